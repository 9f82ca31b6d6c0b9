/**
 * @module
 * Small named files that change over time: a registry's TUF metadata, a client's trusted
 * metadata. Unlike blobs they are not content-addressed, so each write must replace the old
 * file atomically (a reader sees the old bytes or the new, never a mix).
 * Adapters: memory (shared), filesystem and S3 (origin).
 */

export interface NamedStore {
  get(name: string): Promise<Uint8Array | null>;
  /** Atomically replaces the file. */
  put(name: string, bytes: Uint8Array): Promise<void>;
  /** Removing a missing file is a no-op. */
  delete(name: string): Promise<void>;
  list(): Promise<string[]>;
}

/** Names are plain file names: no directories, so none can escape the store. */
export function assertPlainName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(name)) {
    throw new Error(`not a plain file name: ${JSON.stringify(name)}`);
  }
}
