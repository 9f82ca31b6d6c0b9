/**
 * @module
 * The device's `NamedStore` on disk (trusted metadata, pointers, configuration): every `put`
 * is the safe replace protocol through `FsSteps`, so a crash at any step leaves the old bytes
 * or the new ones. (origin/ has its own; device/ imports only shared/, and this one reports
 * each step to the crash hook.)
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { assertPlainName, type NamedStore } from "../../shared/ports/named-store.ts";
import { type FsSteps, TEMP_SUFFIX } from "./fs-steps.ts";

export class StepNamedStore implements NamedStore {
  readonly dir: string;
  private readonly steps: FsSteps;

  constructor(dir: string, steps: FsSteps) {
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
