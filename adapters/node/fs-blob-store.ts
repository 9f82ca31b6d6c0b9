/**
 * @module
 * Content-addressed files on disk (`<root>/blobs/sha256/<digest>`), written atomically:
 * a temp file, fsync, rename, directory fsync, so a crash never leaves a half-written blob under a digest.
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type BlobStore, blobKey } from "../../shared/ports/blob-store.ts";
import { writeFileAtomic } from "./atomic-file.ts";

export class FsBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  private path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) {
      throw new Error("blob keys are lower-case hex sha256 digests");
    }
    return join(this.root, blobKey(sha256));
  }

  async get(sha256: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.path(sha256)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return null;
      }
      throw error;
    }
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const target = this.path(sha256);
    if (await this.has(sha256)) {
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, bytes);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.path(sha256))).isFile();
    } catch {
      return false;
    }
  }
}
