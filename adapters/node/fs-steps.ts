/**
 * @module
 * Every durable change to a Node disk goes through here, one step at a time: create a
 * directory, write, fsync a file, rename, fsync a directory, unlink, remove a directory (the
 * device's files, the named stores and blob stores of registries and origins). Each finished
 * step is reported to an optional hook — which is how the device crash tests kill the sync
 * process (SIGKILL) after step k, for every k, and then check that the device still runs the
 * old or the new verified model.
 *
 * `replaceFile` is the safe replace protocol (Pillai et al., OSDI '14): write a temp file,
 * fsync it, rename it over the old one, fsync the directory.
 */
import { mkdir, open, readdir, rename, rm, rmdir, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export type StepKind = "mkdir" | "write" | "fsync" | "rename" | "dir-fsync" | "unlink" | "rmdir";

export interface FsStep {
  /** 1 for the first step of this process. */
  n: number;
  kind: StepKind;
  path: string;
}

export type FsStepHook = (step: FsStep) => void;

/** A file being written: each `write` and `sync` is a step. */
export interface StepFile {
  write(bytes: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Temp files start with `.` and end in `.tmp`; readers skip them and recovery removes them. */
export const TEMP_SUFFIX = ".tmp";

let temps = 0;

export function tempName(path: string): string {
  temps++;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${temps}${TEMP_SUFFIX}`);
}

export class FsSteps {
  private count = 0;
  private readonly hook: FsStepHook | undefined;

  constructor(hook?: FsStepHook) {
    this.hook = hook;
  }

  private done(kind: StepKind, path: string): void {
    this.count++;
    this.hook?.({ n: this.count, kind, path });
  }

  /**
   * Creates the directory and any missing parents, each made durable in its parent (nothing
   * when it exists).
   */
  async mkdir(path: string): Promise<void> {
    const created = await mkdir(path, { recursive: true });
    if (created === undefined) {
      return;
    }
    this.done("mkdir", path);
    // `created` is the topmost new directory; every new one's entry lives in its parent.
    const fresh: string[] = [];
    for (let dir = path; dir.length >= created.length && dir !== dirname(dir); dir = dirname(dir)) {
      fresh.unshift(dir);
    }
    for (const dir of fresh) {
      await this.syncDir(dirname(dir));
    }
  }

  /** Creates (or truncates) a file for writing. */
  async create(path: string): Promise<StepFile> {
    const handle: FileHandle = await open(path, "w");
    return {
      write: async (bytes) => {
        let at = 0;
        while (at < bytes.byteLength) {
          const { bytesWritten } = await handle.write(bytes, at, bytes.byteLength - at);
          at += bytesWritten;
        }
        this.done("write", path);
      },
      sync: async () => {
        await handle.sync();
        this.done("fsync", path);
      },
      close: () => handle.close(),
    };
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(from, to);
    this.done("rename", to);
  }

  /** Makes the directory's entries (a rename, a new or removed file) durable. */
  async syncDir(path: string): Promise<void> {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.done("dir-fsync", path);
  }

  async unlink(path: string): Promise<void> {
    await unlink(path);
    this.done("unlink", path);
  }

  /** Removes a directory tree: its files one by one, then the directories. */
  async removeTree(path: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        return;
      }
      if (code === "ENOTDIR") {
        await this.unlink(path);
        return;
      }
      throw error;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        await this.removeTree(child);
      } else {
        await this.unlink(child);
      }
    }
    await rmdir(path);
    this.done("rmdir", path);
  }

  /** Atomically replaces `path` with `bytes`: temp file, fsync, rename, directory fsync. */
  async replaceFile(path: string, bytes: Uint8Array): Promise<void> {
    const temp = tempName(path);
    const file = await this.create(temp);
    try {
      await file.write(bytes);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    await this.rename(temp, path);
    await this.syncDir(dirname(path));
  }
}
