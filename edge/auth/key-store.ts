/**
 * @module
 * Where API-key records live. The Worker keeps them in KV (`CONFIG`, keys `apikey:<id>`),
 * read on the hot path through a per-isolate cache with a short TTL; the Node PoP and tests
 * keep them in memory. A revocation is therefore seen everywhere within the cache TTL plus
 * KV's propagation delay (about 60 s in production): docs/security.md states the bound.
 */
import { type ApiKeyRecord, ApiKeyRecordSchema } from "./api-key.ts";

export interface ApiKeyStore {
  get(id: string): Promise<ApiKeyRecord | undefined>;
  put(record: ApiKeyRecord): Promise<void>;
  list(): Promise<ApiKeyRecord[]>;
}

export class MemoryKeyStore implements ApiKeyStore {
  readonly #records = new Map<string, ApiKeyRecord>();

  get(id: string): Promise<ApiKeyRecord | undefined> {
    return Promise.resolve(this.#records.get(id));
  }

  put(record: ApiKeyRecord): Promise<void> {
    this.#records.set(record.id, record);
    return Promise.resolve();
  }

  list(): Promise<ApiKeyRecord[]> {
    return Promise.resolve([...this.#records.values()]);
  }
}

/** The subset of a KV namespace this store needs (so it is testable without bindings). */
export interface KvLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  list(options: { prefix: string; cursor?: string }): Promise<{
    keys: Array<{ name: string }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

const PREFIX = "apikey:";

export class KvKeyStore implements ApiKeyStore {
  readonly #kv: KvLike;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Misses are cached too, so a flood of made-up key ids costs one KV read per id per TTL. */
  readonly #cache = new Map<string, { record: ApiKeyRecord | undefined; until: number }>();

  constructor(kv: KvLike, ttlMs: number, now: () => number = Date.now) {
    this.#kv = kv;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.#cache.get(id);
    if (cached && cached.until > this.#now()) {
      return cached.record;
    }
    const record = parse(await this.#kv.get(PREFIX + id));
    if (this.#cache.size > 10_000) {
      this.#cache.clear();
    }
    this.#cache.set(id, { record, until: this.#now() + this.#ttlMs });
    return record;
  }

  async put(record: ApiKeyRecord): Promise<void> {
    await this.#kv.put(PREFIX + record.id, JSON.stringify(record));
    // This isolate sees its own change at once; others within the stated bound.
    this.#cache.delete(record.id);
  }

  async list(): Promise<ApiKeyRecord[]> {
    const out: ApiKeyRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#kv.list({ prefix: PREFIX, ...(cursor === undefined ? {} : { cursor }) });
      for (const k of page.keys) {
        const record = parse(await this.#kv.get(k.name));
        if (record) {
          out.push(record);
        }
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor !== undefined);
    return out;
  }
}

/** A record that does not parse (hand-edited, older format) authenticates nobody. */
function parse(raw: string | null): ApiKeyRecord | undefined {
  if (raw === null) {
    return undefined;
  }
  try {
    const parsed = ApiKeyRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
