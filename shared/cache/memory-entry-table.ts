/**
 * @module
 * A partition's entries in memory: for self-hosted Node PoPs, tests and benches.
 */
import type { EntryTable, NewEntry, StoredEntry } from "./cache-entry.ts";
import type { EncodedVector } from "./vector-index.ts";

interface Row extends StoredEntry {
  vector: EncodedVector | null;
  lastUsed: number;
  bytes: number;
}

export class MemoryEntryTable implements EntryTable {
  private readonly rows = new Map<number, Row>();
  private readonly byKey = new Map<string, number>();
  private nextId = 1;
  private bytes = 0;

  *vectors(): Iterable<{ id: number; vector: EncodedVector }> {
    for (const row of this.rows.values()) {
      if (row.vector) {
        yield { id: row.id, vector: row.vector };
      }
    }
  }

  byExactKey(exactKey: string): StoredEntry | undefined {
    const id = this.byKey.get(exactKey);
    return id === undefined ? undefined : this.rows.get(id);
  }

  byId(id: number): StoredEntry | undefined {
    return this.rows.get(id);
  }

  insert(entry: NewEntry, bytes: number): { id: number; replaced?: number } {
    const replaced = this.byKey.get(entry.exactKey);
    if (replaced !== undefined) {
      this.delete(replaced);
    }
    const id = this.nextId++;
    this.rows.set(id, {
      id,
      exactKey: entry.exactKey,
      query: entry.semantic?.query ?? null,
      vector: entry.semantic?.vector ?? null,
      answer: entry.answer,
      expiresAt: entry.now + entry.ttlMs,
      lastUsed: entry.now,
      bytes,
    });
    this.byKey.set(entry.exactKey, id);
    this.bytes += bytes;
    return replaced === undefined ? { id } : { id, replaced };
  }

  touch(id: number, now: number): void {
    const row = this.rows.get(id);
    if (row) {
      row.lastUsed = now;
    }
  }

  delete(id: number): void {
    const row = this.rows.get(id);
    if (row) {
      this.rows.delete(id);
      this.byKey.delete(row.exactKey);
      this.bytes -= row.bytes;
    }
  }

  count(): number {
    return this.rows.size;
  }

  totalBytes(): number {
    return this.bytes;
  }

  expired(now: number, limit: number): number[] {
    const out: number[] = [];
    for (const row of this.rows.values()) {
      if (out.length >= limit) {
        break;
      }
      if (row.expiresAt <= now) {
        out.push(row.id);
      }
    }
    return out;
  }

  leastRecentlyUsed(limit: number): number[] {
    return [...this.rows.values()]
      .toSorted((a, b) => a.lastUsed - b.lastUsed || a.id - b.id)
      .slice(0, limit)
      .map((r) => r.id);
  }
}
