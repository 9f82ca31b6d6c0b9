/**
 * @module
 * Content-addressed files on disk (`<root>/blobs/sha256/<digest>`), written with the safe
 * replace protocol of `FsSteps` (temp file, fsync, rename, directory fsync), so a crash never
 * leaves a half-written blob under a digest.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type BlobStore, checkedBlobKey } from "../../shared/ports/blob-store.ts";
import { FsSteps } from "./fs-steps.ts";

export class FsBlobStore implements BlobStore {
  private readonly root: string;
  private readonly steps = new FsSteps();

  constructor(root: string) {
    this.root = root;
  }

  private path(sha256: string): string {
    return join(this.root, checkedBlobKey(sha256));
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
    await this.steps.mkdir(dirname(target));
    await this.steps.replaceFile(target, bytes);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.path(sha256))).isFile();
    } catch {
      return false;
    }
  }
}
