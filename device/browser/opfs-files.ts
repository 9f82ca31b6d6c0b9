/**
 * @module
 * Small helpers over the Origin Private File System (`navigator.storage.getDirectory()`): read
 * a file or null, replace a file atomically, list and remove entries. A `createWritable()`
 * stream writes to a swap file that the browser moves over the old file on `close()`, so a
 * reader (or a reload mid-write) sees the old bytes or the new ones, never a mix.
 */

/** Async iteration over a directory (in the DOM's async-iterable lib, which this project does not load). */
interface IterableDirectory {
  keys(): AsyncIterableIterator<string>;
}

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

/** Replaces the file atomically (swap file, moved into place on close). */
export async function replaceFile(dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array): Promise<void> {
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  try {
    // The cast narrows the buffer type for the DOM typings; our arrays never sit on a SharedArrayBuffer.
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    throw error;
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
