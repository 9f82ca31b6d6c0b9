/**
 * @module
 * A BlobStore in memory: for tests, browsers before they persist, and short-lived tools.
 */
import type { BlobStore } from "../ports/blob-store.ts";

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();

  async get(sha256: string): Promise<Uint8Array | null> {
    return this.blobs.get(sha256) ?? null;
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    this.blobs.set(sha256, bytes);
  }

  async has(sha256: string): Promise<boolean> {
    return this.blobs.has(sha256);
  }
}
