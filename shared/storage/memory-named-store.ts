/**
 * @module
 * A NamedStore in memory: for tests, workerd and browsers before they persist.
 */
import { assertPlainName, type NamedStore } from "../ports/named-store.ts";

export class MemoryNamedStore implements NamedStore {
  private readonly files = new Map<string, Uint8Array>();

  async get(name: string): Promise<Uint8Array | null> {
    assertPlainName(name);
    return this.files.get(name)?.slice() ?? null;
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertPlainName(name);
    this.files.set(name, bytes.slice());
  }

  async delete(name: string): Promise<void> {
    this.files.delete(name);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()].toSorted();
  }
}
