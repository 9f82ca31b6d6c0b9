/**
 * Runs one update against a registry server with edgefleet's client and with tuf-js (the TUF
 * client the npm CLI uses), each from its own copy of a trusted-metadata directory, and
 * reports what each decided: the error code (ours), the error class (tuf-js), or success.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Updater } from "tuf-js";
import { FsNamedStore } from "../../adapters/node/fs-named-store.ts";
import { ModelClient } from "../../shared/registry/model-client.ts";
import { MemoryBlobStore } from "../../shared/storage/memory-blob-store.ts";
import { TufClient } from "../../shared/tuf/client.ts";
import { TufError } from "../../shared/tuf/errors.ts";
import type { RegistryServer } from "./registry-fixture.ts";
import { copyDir, snapshotDir } from "./registry-fixture.ts";
import { tempDir } from "./temp-dir.ts";

/** What the client does after refreshing: nothing, fetch a manifest, or fetch a whole model file. */
export type Step =
  | { kind: "refresh" }
  | { kind: "manifest"; id: string; version: string }
  | { kind: "file"; id: string; version: string; name: string };

export interface Outcome {
  ok: boolean;
  /** Our TufError code, or tuf-js's error class name. */
  code: string;
}

export interface ClientDirs {
  ours: string;
  tufjs: string;
}

/** Fresh client directories that trust `rootBytes` only. */
export async function freshClients(rootBytes: Uint8Array): Promise<ClientDirs> {
  const ours = await tempDir("ours");
  await TufClient.trust(new FsNamedStore(ours), rootBytes);
  const tufjs = await tempDir("tufjs");
  await writeFile(join(tufjs, "root.json"), rootBytes);
  await mkdir(join(tufjs, "targets"));
  return { ours, tufjs };
}

export async function cloneClients(dirs: ClientDirs): Promise<ClientDirs> {
  return { ours: await copyDir(dirs.ours, "ours"), tufjs: await copyDir(dirs.tufjs, "tufjs") };
}

export async function runOurs(server: RegistryServer, dir: string, step: Step): Promise<Outcome> {
  const tuf = new TufClient({
    metadataUrl: server.metadataUrl,
    targetsUrl: server.targetsUrl,
    store: new FsNamedStore(dir),
  });
  try {
    await tuf.refresh();
    if (step.kind !== "refresh") {
      const models = new ModelClient({ tuf, chunksUrl: server.chunksUrl, chunkStore: new MemoryBlobStore() });
      const manifest = await models.manifest(step.id, step.version);
      if (step.kind === "file") {
        const file = manifest.files.find((f) => f.name === step.name);
        if (!file) {
          throw new Error(`no file ${step.name}`);
        }
        await models.file(manifest, file);
      }
    }
    return { ok: true, code: "OK" };
  } catch (error) {
    if (TufError.is(error)) {
      return { ok: false, code: error.code };
    }
    throw error;
  }
}

export async function runTufJs(server: RegistryServer, dir: string, step: Step): Promise<Outcome> {
  try {
    const updater = new Updater({
      metadataDir: dir,
      metadataBaseUrl: server.metadataUrl,
      targetBaseUrl: server.targetsUrl,
      targetDir: join(dir, "targets"),
      config: { fetchRetry: 0 },
    });
    await updater.refresh();
    if (step.kind !== "refresh") {
      const path =
        step.kind === "manifest"
          ? `${step.id}/${step.version}/manifest.json`
          : `${step.id}/${step.version}/files/${step.name}`;
      const info = await updater.getTargetInfo(path);
      if (!info) {
        return { ok: false, code: "TargetNotFound" };
      }
      await updater.downloadTarget(info, join(dir, "targets", "download"));
    }
    return { ok: true, code: "OK" };
  } catch (error) {
    return { ok: false, code: error instanceof Error ? error.constructor.name : String(error) };
  }
}

export interface Verdicts {
  ours: Outcome;
  tufjs: Outcome;
  /** Our trusted files were byte-identical before and after. */
  oursUnchanged: boolean;
}

/** Both clients, each on a copy of `dirs`, against the server as it is now. Leaves `dirs` untouched. */
export async function runBoth(
  server: RegistryServer,
  dirs: ClientDirs,
  step: Step = { kind: "refresh" },
): Promise<Verdicts> {
  const copy = await cloneClients(dirs);
  const before = await snapshotDir(copy.ours);
  const ours = await runOurs(server, copy.ours, step);
  const after = await snapshotDir(copy.ours);
  const tufjs = await runTufJs(server, copy.tufjs, step);
  return { ours, tufjs, oursUnchanged: JSON.stringify(before) === JSON.stringify(after) };
}

/** Both clients refresh `dirs` in place (a successful update that later cases start from). */
export async function advance(server: RegistryServer, dirs: ClientDirs): Promise<void> {
  const ours = await runOurs(server, dirs.ours, { kind: "refresh" });
  const tufjs = await runTufJs(server, dirs.tufjs, { kind: "refresh" });
  if (!ours.ok || !tufjs.ok) {
    throw new Error(`baseline refresh failed: ours ${ours.code}, tuf-js ${tufjs.code}`);
  }
}
