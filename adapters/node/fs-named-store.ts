/**
 * @module
 * Named files in one directory (a registry's TUF metadata, a client's trusted metadata),
 * each replaced atomically: write a temp file, fsync, rename over the old one, fsync the
 * directory — so a crash leaves the old bytes or the new, never a torn file.
 */
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { assertPlainName, type NamedStore } from "../../shared/ports/named-store.ts";
import { syncDirectory, writeFileAtomic } from "./atomic-file.ts";

export class FsNamedStore implements NamedStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async get(name: string): Promise<Uint8Array | null> {
    assertPlainName(name);
    try {
      return new Uint8Array(await readFile(join(this.dir, name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return null;
      }
      throw error;
    }
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertPlainName(name);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, name), bytes);
  }

  async delete(name: string): Promise<void> {
    assertPlainName(name);
    await rm(join(this.dir, name), { force: true });
    await syncDirectory(this.dir);
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => !n.endsWith(".tmp")).toSorted();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return [];
      }
      throw error;
    }
  }
}
