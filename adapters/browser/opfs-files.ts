/**
 * @module
 * Small helpers over the Origin Private File System (`navigator.storage.getDirectory()`): read
 * a file or null, replace a file atomically, list and remove entries.
 *
 * Replacing is write-to-temp, then `move()` over the name. `createWritable()` alone is not
 * enough: it commits its swap file atomically on `close()`, but `getFileHandle(name, {create})`
 * makes an *empty* file under the final name first, so a reload mid-write left empty chunks
 * and state files (measured: a resumed sync then found a chunk "present" that was empty).
 * Temp files (`*.tmp`) left by a reload are removed by `removeTemps`.
 */

/** Async iteration over a directory (in the DOM's async-iterable lib, which this project does not load). */
interface IterableDirectory {
  keys(): AsyncIterableIterator<string>;
}

/** `FileSystemHandle.move()` (Chromium; the DOM lib does not declare it): renames, replacing an existing file. */
interface MovableFile {
  move(name: string): Promise<void>;
}

export const TEMP_SUFFIX = ".tmp";

function isNotFound(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "NotFoundError" || error.name === "TypeMismatchError");
}

/** The subdirectory `name` of `parent`, created when `create` is set; null when absent. */
export async function subdir(
  parent: FileSystemDirectoryHandle,
  name: string,
  create: boolean,
): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await parent.getDirectoryHandle(name, { create });
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

export async function readFileOrNull(dir: FileSystemDirectoryHandle, name: string): Promise<File | null> {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

export async function readBytes(dir: FileSystemDirectoryHandle, name: string): Promise<Uint8Array | null> {
  const file = await readFileOrNull(dir, name);
  return file ? new Uint8Array(await file.arrayBuffer()) : null;
}

/** Replaces the file atomically: a reader, or a reload at any moment, sees the old bytes or the new ones. */
export async function replaceFile(dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array): Promise<void> {
  const temp = `${name}.${crypto.randomUUID()}${TEMP_SUFFIX}`;
  const handle = await dir.getFileHandle(temp, { create: true });
  const writable = await handle.createWritable();
  try {
    // The cast narrows the buffer type for the DOM typings; our arrays never sit on a SharedArrayBuffer.
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
    await (handle as unknown as MovableFile).move(name);
  } catch (error) {
    await writable.abort().catch(() => undefined);
    await removeEntry(dir, temp);
    throw error;
  }
}

/** Removes what interrupted writes left in `dir` (their temp files). */
export async function removeTemps(dir: FileSystemDirectoryHandle): Promise<void> {
  for (const name of await listNames(dir)) {
    if (name.endsWith(TEMP_SUFFIX) || name.endsWith(".crswap")) {
      await removeEntry(dir, name);
    }
  }
}

export async function listNames(dir: FileSystemDirectoryHandle): Promise<string[]> {
  const names: string[] = [];
  for await (const name of (dir as unknown as IterableDirectory).keys()) {
    names.push(name);
  }
  return names.toSorted();
}

/** Removes a file or a whole directory; removing a missing entry is a no-op. */
export async function removeEntry(dir: FileSystemDirectoryHandle, name: string): Promise<void> {
  try {
    await dir.removeEntry(name, { recursive: true });
  } catch (error) {
    if (!isNotFound(error)) {
      throw error;
    }
  }
}
