/**
 * @module
 * Puts model versions into an origin's data directory: blobs by sha256 (atomic writes) and
 * one manifest file per model, returning the manifest paths for the origin's config.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FsBlobStore } from "../../adapters/node/fs-blob-store.ts";
import type { BuiltModel } from "../models/build-manifest.ts";

export async function installOriginModels(dataDir: string, models: readonly BuiltModel[]): Promise<string[]> {
  const store = new FsBlobStore(dataDir);
  await mkdir(join(dataDir, "manifests"), { recursive: true });
  const paths: string[] = [];
  for (const { manifest, blobs } of models) {
    for (const [sha256, bytes] of blobs) {
      await store.put(sha256, bytes);
    }
    const path = join(dataDir, "manifests", `${manifest.id}.json`);
    await writeFile(path, JSON.stringify(manifest, null, 2));
    paths.push(path);
  }
  return paths;
}
