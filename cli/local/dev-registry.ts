/**
 * @module
 * The local network's registry: fresh signing keys and root, then every default model
 * published into it exactly as `edgefleet publish` does (chunked, signed with TUF).
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { publishModel } from "../../shared/registry/publish.ts";
import type { BuiltModel } from "../models/build-manifest.ts";
import { initRegistry } from "../registry/init-registry.ts";
import { openRegistry, withWriteLock } from "../registry/open-registry.ts";

export interface DevRegistry {
  dir: string;
  keysDir: string;
  /** The root.json the PoPs are deployed with (their TUF trust anchor). */
  root: string;
}

export async function createDevRegistry(stateDir: string, models: readonly BuiltModel[]): Promise<DevRegistry> {
  const dir = join(stateDir, "registry");
  const keysDir = join(stateDir, "keys");
  // A fresh registry each run: the PoPs start empty, so old metadata would only confuse them.
  await rm(dir, { recursive: true, force: true });
  await rm(keysDir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const registry = openRegistry(dir);
  const { saved } = await initRegistry(registry, keysDir);
  const keyring = saved.map((k) => k.signer);
  await withWriteLock(dir, async () => {
    for (const { manifest, blobs } of models) {
      const { files, schema: _schema, ...rest } = manifest;
      await publishModel(
        {
          ...rest,
          files: files.map((f) => {
            const bytes = blobs.get(f.sha256);
            if (!bytes) {
              throw new Error(`${manifest.id}: no bytes for ${f.name}`);
            }
            return { name: f.name, role: f.role, bytes };
          }),
        },
        { blobs: registry.blobs, repository: registry.repository, keyring },
      );
    }
  });
  return { dir, keysDir, root: await readFile(join(dir, "metadata", "1.root.json"), "utf8") };
}
