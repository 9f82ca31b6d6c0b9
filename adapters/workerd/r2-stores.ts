/**
 * @module
 * Storage in R2 for both Workers — the edge's model files, the control plane's registry — in the same layout as the S3 and
 * filesystem stores (`<prefix>blobs/sha256/<digest>`, `<prefix>metadata/<name>`), so a registry
 * directory or bucket copies over key for key. R2 reads are strongly consistent after a write
 * and a PUT replaces an object whole: the atomic replace `NamedStore` asks for.
 */
import { type BlobStore, checkedBlobKey } from "../../shared/ports/blob-store.ts";
import { assertPlainName, type NamedStore } from "../../shared/ports/named-store.ts";

export class R2BlobStore implements BlobStore {
  private readonly bucket: R2Bucket;
  private readonly prefix: string;

  constructor(bucket: R2Bucket, prefix = "") {
    this.bucket = bucket;
    this.prefix = prefix;
  }

  private key(sha256: string): string {
    return `${this.prefix}${checkedBlobKey(sha256)}`;
  }

  async get(sha256: string): Promise<Uint8Array | null> {
    const object = await this.bucket.get(this.key(sha256));
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  /** Content-addressed: an object already under the digest is never written again. */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    if (await this.has(sha256)) {
      return;
    }
    // R2 checks the digest on upload, so a corrupted body never lands under a content address.
    await this.bucket.put(this.key(sha256), bytes, { sha256 });
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.bucket.head(this.key(sha256))) !== null;
  }
}

export class R2NamedStore implements NamedStore {
  private readonly bucket: R2Bucket;
  private readonly dir: string;

  constructor(bucket: R2Bucket, prefix = "", dir = "metadata/") {
    this.bucket = bucket;
    this.dir = `${prefix}${dir}`;
  }

  async get(name: string): Promise<Uint8Array | null> {
    assertPlainName(name);
    const object = await this.bucket.get(`${this.dir}${name}`);
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertPlainName(name);
    await this.bucket.put(`${this.dir}${name}`, bytes, { httpMetadata: { contentType: "application/json" } });
  }

  async delete(name: string): Promise<void> {
    assertPlainName(name);
    await this.bucket.delete(`${this.dir}${name}`);
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.bucket.list({ prefix: this.dir, ...(cursor === undefined ? {} : { cursor }) });
      names.push(...page.objects.map((o) => o.key.slice(this.dir.length)));
      if (!page.truncated) {
        return names.toSorted();
      }
      cursor = page.cursor;
    }
  }
}
