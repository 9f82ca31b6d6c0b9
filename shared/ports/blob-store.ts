/**
 * @module
 * Content-addressed storage of model files: a blob's key is its sha256.
 * Adapters: R2 (edge), filesystem (Node PoPs, origins, the local registry), S3.
 */

export interface BlobStore {
  /** The blob's bytes, or null when the store does not hold it. */
  get(sha256: string): Promise<Uint8Array | null>;
  /** Stores bytes under their digest; storing the same digest twice is a no-op. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  has(sha256: string): Promise<boolean>;
}

/** Where blobs live inside a bucket or directory. */
export function blobKey(sha256: string): string {
  return `blobs/sha256/${sha256}`;
}
