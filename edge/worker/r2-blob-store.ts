/**
 * @module
 * Model files in R2, keyed by sha256. R2 reads are strongly consistent, and a content
 * address never changes meaning, so no cache invalidation is ever needed.
 */
import { type BlobStore, blobKey } from "../../shared/ports/blob-store.ts";

export class R2BlobStore implements BlobStore {
  private readonly bucket: R2Bucket;

  constructor(bucket: R2Bucket) {
    this.bucket = bucket;
  }

  async get(sha256: string): Promise<Uint8Array | null> {
    const object = await this.bucket.get(blobKey(sha256));
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    if (await this.has(sha256)) {
      return;
    }
    await this.bucket.put(blobKey(sha256), bytes, { sha256 });
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.bucket.head(blobKey(sha256))) !== null;
  }
}
