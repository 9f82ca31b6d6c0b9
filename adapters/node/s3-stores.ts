/**
 * @module
 * Registry storage in S3 (origins in AWS) through `@aws-sdk/client-s3`: chunks and manifests
 * as a BlobStore under `<prefix>blobs/sha256/<digest>`, TUF metadata as a NamedStore under
 * `<prefix>metadata/<name>`. S3 is strongly consistent for reads after writes and a PUT
 * replaces an object whole, which is the atomic replace NamedStore asks for.
 * Works with any S3-compatible endpoint (`forcePathStyle` for MinIO and the like).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { type BlobStore, checkedBlobKey } from "../../shared/ports/blob-store.ts";
import { assertPlainName, type NamedStore } from "../../shared/ports/named-store.ts";

export interface S3Location {
  client: S3Client;
  bucket: string;
  /** Key prefix, e.g. `registry/` (empty for the bucket root). */
  prefix?: string;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
}

async function getObject(at: S3Location, key: string): Promise<Uint8Array | null> {
  try {
    const res = await at.client.send(new GetObjectCommand({ Bucket: at.bucket, Key: key }));
    return res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

async function headObject(at: S3Location, key: string): Promise<boolean> {
  try {
    await at.client.send(new HeadObjectCommand({ Bucket: at.bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) {
      return false;
    }
    throw error;
  }
}

async function putObject(at: S3Location, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
  await at.client.send(
    new PutObjectCommand({
      Bucket: at.bucket,
      Key: key,
      Body: bytes,
      ContentLength: bytes.byteLength,
      ContentType: contentType,
    }),
  );
}

export class S3BlobStore implements BlobStore {
  private readonly at: S3Location;

  constructor(at: S3Location) {
    this.at = at;
  }

  private key(sha256: string): string {
    return `${this.at.prefix ?? ""}${checkedBlobKey(sha256)}`;
  }

  get(sha256: string): Promise<Uint8Array | null> {
    return getObject(this.at, this.key(sha256));
  }

  /** Content-addressed: an object already under the digest is never sent again (resumable publish). */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    if (await this.has(sha256)) {
      return;
    }
    await putObject(this.at, this.key(sha256), bytes, "application/octet-stream");
  }

  has(sha256: string): Promise<boolean> {
    return headObject(this.at, this.key(sha256));
  }
}

export class S3NamedStore implements NamedStore {
  private readonly at: S3Location;
  private readonly dir: string;

  constructor(at: S3Location, dir = "metadata/") {
    this.at = at;
    this.dir = `${at.prefix ?? ""}${dir}`;
  }

  get(name: string): Promise<Uint8Array | null> {
    assertPlainName(name);
    return getObject(this.at, `${this.dir}${name}`);
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertPlainName(name);
    await putObject(this.at, `${this.dir}${name}`, bytes, "application/json");
  }

  async delete(name: string): Promise<void> {
    assertPlainName(name);
    await this.at.client.send(new DeleteObjectCommand({ Bucket: this.at.bucket, Key: `${this.dir}${name}` }));
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.at.client.send(
        new ListObjectsV2Command({ Bucket: this.at.bucket, Prefix: this.dir, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key) {
          names.push(o.Key.slice(this.dir.length));
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names.toSorted();
  }
}
