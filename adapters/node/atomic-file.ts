/**
 * @module
 * The crash-safe replace: write a temp file, fsync it, rename it over the target, fsync the
 * directory (without the last step a crash can lose the rename on some file systems).
 */
import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";

export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  await syncDirectory(dirname(target));
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
