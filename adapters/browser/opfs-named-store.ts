/**
 * @module
 * A `NamedStore` in one OPFS directory: the browser device's trusted TUF metadata and its
 * state files (pointers, configuration, last sync). Each `put` replaces its file atomically,
 * which is all the updater's commit point (the pointer write) needs.
 */
import { assertPlainName, type NamedStore } from "../../shared/ports/named-store.ts";
import { listNames, readBytes, removeEntry, replaceFile, TEMP_SUFFIX } from "./opfs-files.ts";

export class OpfsNamedStore implements NamedStore {
  private readonly dir: () => Promise<FileSystemDirectoryHandle>;

  constructor(dir: () => Promise<FileSystemDirectoryHandle>) {
    this.dir = dir;
  }

  async get(name: string): Promise<Uint8Array | null> {
    assertPlainName(name);
    return readBytes(await this.dir(), name);
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertPlainName(name);
    await replaceFile(await this.dir(), name, bytes);
  }

  async delete(name: string): Promise<void> {
    assertPlainName(name);
    await removeEntry(await this.dir(), name);
  }

  async list(): Promise<string[]> {
    return (await listNames(await this.dir())).filter((n) => !n.endsWith(TEMP_SUFFIX) && !n.endsWith(".crswap"));
  }
}
