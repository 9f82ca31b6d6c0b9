/**
 * @module
 * One writer per device directory: `sync` and `rollback` hold `<dir>/.lock` (created
 * exclusively, holding the owner's pid). A lock left by a process that no longer exists — a
 * sync killed mid-install, a power cut — is taken over, so a crash never locks a device out.
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { DeviceError } from "../../shared/device-update/device-error.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function acquire(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx");
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      return false;
    }
    throw error;
  }
}

export async function withDirLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  if (!(await acquire(path))) {
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new DeviceError(
        "LOCKED",
        `another edgefleet process (pid ${owner}) is updating this device; try again when it ends`,
      );
    }
    // The owner is gone: the lock is stale.
    await rm(path, { force: true });
    if (!(await acquire(path))) {
      throw new DeviceError("LOCKED", `another edgefleet process took ${path} first; try again`);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
