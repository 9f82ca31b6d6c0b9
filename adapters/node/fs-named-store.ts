/**
 * @module
 * Named files in one directory (a registry's TUF metadata, a client's trusted metadata, a
 * device's trust and state files), each replaced with the safe replace protocol of `FsSteps`:
 * temp file, fsync, rename, directory fsync; new directories are made durable in their
 * parents. A crash leaves the old bytes or the new, never a torn file. Give it the device's
 * `FsSteps` and every write is one more step its crash hook sees.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { assertPlainName, type NamedStore } from "../../shared/ports/named-store.ts";
import { FsSteps, TEMP_SUFFIX } from "./fs-steps.ts";

export class FsNamedStore implements NamedStore {
  readonly dir: string;
  private readonly steps: FsSteps;

  constructor(dir: string, steps: FsSteps = new FsSteps()) {
    this.dir = dir;
    this.steps = steps;
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
    await this.steps.mkdir(this.dir);
    await this.steps.replaceFile(join(this.dir, name), bytes);
  }

  async delete(name: string): Promise<void> {
    assertPlainName(name);
    try {
      await this.steps.unlink(join(this.dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return;
      }
      throw error;
    }
    await this.steps.syncDir(this.dir);
  }

  /** Every stored name, sorted; temp files and dot files (a lock) are not names. */
  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => !n.startsWith(".") && !n.endsWith(TEMP_SUFFIX)).toSorted();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return [];
      }
      throw error;
    }
  }
}
