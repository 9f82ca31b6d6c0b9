/**
 * @module
 * A local registry directory (`--registry <dir>`, default `.edgefleet/registry`): chunks and
 * manifests under `blobs/sha256/`, TUF metadata under `metadata/`. Writers take a lock file
 * so two publishes cannot both write the same next metadata version.
 */
import { mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { FsBlobStore } from "../../adapters/node/fs-blob-store.ts";
import { FsNamedStore } from "../../adapters/node/fs-named-store.ts";
import { TufRepository } from "../../shared/registry/repository.ts";
import { UserError } from "../output.ts";

export interface LocalRegistry {
  dir: string;
  blobs: FsBlobStore;
  metadata: FsNamedStore;
  repository: TufRepository;
}

export function openRegistry(dir: string, options: { timestampSeconds?: number } = {}): LocalRegistry {
  const metadata = new FsNamedStore(join(dir, "metadata"));
  return {
    dir,
    blobs: new FsBlobStore(dir),
    metadata,
    repository: new TufRepository(metadata, {
      lifetimes: options.timestampSeconds ? { timestamp: options.timestampSeconds } : {},
    }),
  };
}

/** Runs `fn` holding the registry's write lock (`<dir>/.lock`, created exclusively). */
export async function withWriteLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, ".lock");
  let handle;
  try {
    await mkdir(dir, { recursive: true });
    handle = await open(lock, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new UserError(`another edgefleet command is writing ${dir} (remove ${lock} if none is running)`);
    }
    throw new UserError(`cannot write to ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
    return await fn();
  } finally {
    await handle.close();
    await rm(lock, { force: true });
  }
}
