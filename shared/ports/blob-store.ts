/**
 * @module
 * Content-addressed storage of model files: a blob's key is its sha256.
 * Adapters: R2 (edge), filesystem (Node PoPs, origins, the local registry), S3.
 */
import { isSha256Hex } from "../crypto/sha256.ts";

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

/**
 * `blobKey` for a digest that came from outside: anything but a lower-case hex sha256 is
 * refused, so a key never leaves `blobs/sha256/` (a path, `..`, another prefix). Every blob
 * store adapter (fs, S3, R2) keys through this.
 */
export function checkedBlobKey(sha256: string): string {
  if (!isSha256Hex(sha256)) {
    throw new Error("blob keys are lower-case hex sha256 digests");
  }
  return blobKey(sha256);
}
