/**
 * @module
 * A local registry directory (`--registry <dir>`, default `.edgefleet/registry`): chunks and
 * manifests under `blobs/sha256/`, TUF metadata under `metadata/`. Writers take a lock file
 * so two publishes cannot both write the same next metadata version.
 */
import { join } from "node:path";
import { LockHeldError, withFileLock } from "../../adapters/node/file-lock.ts";
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

/**
 * Runs `fn` holding the registry's write lock (`<dir>/.lock`; the stale-lock rule is the one of
 * `adapters/node/file-lock.ts`: a lock whose process is gone is taken over).
 */
export async function withWriteLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, ".lock");
  try {
    return await withFileLock(lock, fn);
  } catch (error) {
    if (LockHeldError.is(error)) {
      throw new UserError(
        `another edgefleet command is writing ${dir} (${error.message}; remove ${lock} if none is running)`,
      );
    }
    const failed = error as NodeJS.ErrnoException;
    // Taking the lock itself failed (a read-only or foreign directory): say so, as before the lock was shared.
    if (failed.code !== undefined && (failed.path === lock || failed.path === dir)) {
      throw new UserError(`cannot write to ${dir}: ${failed.code}`);
    }
    throw error;
  }
}
