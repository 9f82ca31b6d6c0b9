/**
 * @module
 * The device's `DeviceStore` on a Node filesystem (layout in `layout.ts`): trusted metadata
 * and state files replaced atomically, chunks content-addressed, versions built in staging and
 * renamed into place. Every disk change is a step of one `FsSteps`, so a crash hook sees them
 * all in order.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { DeviceStore, VersionToStore } from "../../shared/device-update/device-store.ts";
import { FsNamedStore } from "../../adapters/node/fs-named-store.ts";
import { FsLocalChunks } from "./fs-local-chunks.ts";
import { type FsStepHook, FsSteps, TEMP_SUFFIX } from "../../adapters/node/fs-steps.ts";
import { DeviceLayout } from "./layout.ts";
import { VersionStore } from "./version-store.ts";

export class FsDeviceStore implements DeviceStore {
  readonly layout: DeviceLayout;
  readonly trust: FsNamedStore;
  readonly state: FsNamedStore;
  readonly chunks: FsLocalChunks;
  private readonly steps: FsSteps;
  private readonly versions: VersionStore;

  constructor(dir: string, options: { onFsStep?: FsStepHook } = {}) {
    this.layout = new DeviceLayout(dir);
    this.steps = new FsSteps(options.onFsStep);
    this.trust = new FsNamedStore(this.layout.trust, this.steps);
    this.state = new FsNamedStore(this.layout.state, this.steps);
    this.chunks = new FsLocalChunks(this.layout, this.steps);
    this.versions = new VersionStore(this.layout, this.steps, this.chunks);
  }

  storeVersion(version: VersionToStore): Promise<void> {
    return this.versions.store(version);
  }

  pruneVersions(keep: ReadonlySet<string>): Promise<void> {
    return this.versions.prune(keep);
  }

  async clearChunks(): Promise<void> {
    const names = await list(this.layout.chunksDir);
    for (const name of names) {
      await this.steps.unlink(join(this.layout.chunksDir, name));
    }
    if (names.length > 0) {
      await this.steps.syncDir(this.layout.chunksDir);
    }
  }

  /**
   * Clears what interrupted operations left behind: staging directories and temp files. Runs
   * under the directory lock before a sync or a rollback. Verified chunks are kept: they are
   * the resumable part of an interrupted download.
   */
  async recover(): Promise<void> {
    await this.versions.recover();
    for (const dir of [this.layout.state, this.layout.trust, this.layout.chunksDir]) {
      const temps = (await list(dir)).filter((n) => n.endsWith(TEMP_SUFFIX));
      for (const name of temps) {
        await this.steps.unlink(join(dir, name));
      }
      if (temps.length > 0) {
        await this.steps.syncDir(dir);
      }
    }
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return [];
    }
    throw error;
  }
}
