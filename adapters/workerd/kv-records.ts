/**
 * @module
 * JSON records under a KV key prefix, read on the hot path through a per-isolate cache with a
 * short TTL (misses cached too, so made-up ids cost one KV read per id per TTL). A write is
 * seen at once by the isolate that made it and elsewhere within the TTL plus KV's propagation.
 * A record that does not parse (hand-edited, an older format) reads as absent. The cache keeps
 * at most `MAX_CACHED` ids, least recently used first out.
 */
import type { z } from "zod";
import type { LRUCache } from "lru-cache";
import { boundedCache } from "../../shared/cache/bounded-cache.ts";

/** Ids cached per store per isolate: the working set of keys and tenants, with room to spare. */
const MAX_CACHED = 10_000;

/** The subset of a KV namespace these stores need (so they are testable without bindings). */
export interface KvLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: { prefix: string; cursor?: string }): Promise<{
    keys: Array<{ name: string }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

export class KvRecords<S extends z.ZodType> {
  readonly #kv: KvLike;
  readonly #prefix: string;
  readonly #schema: S;
  /** Boxed, so a miss (no record, or one that does not parse) is cached too. */
  readonly #cache: LRUCache<string, { record: z.infer<S> | undefined }>;

  constructor(kv: KvLike, prefix: string, schema: S, ttlMs: number, now: () => number = Date.now) {
    this.#kv = kv;
    this.#prefix = prefix;
    this.#schema = schema;
    this.#cache = boundedCache({ max: MAX_CACHED, ttlMs, now });
  }

  async get(id: string): Promise<z.infer<S> | undefined> {
    const cached = this.#cache.get(id);
    if (cached) {
      return cached.record;
    }
    const record = this.#parse(await this.#kv.get(this.#prefix + id));
    this.#cache.set(id, { record });
    return record;
  }

  async put(id: string, record: z.infer<S>): Promise<void> {
    await this.#kv.put(this.#prefix + id, JSON.stringify(record));
    this.#cache.delete(id);
  }

  async delete(id: string): Promise<void> {
    await this.#kv.delete(this.#prefix + id);
    this.#cache.delete(id);
  }

  async list(): Promise<Array<z.infer<S>>> {
    const out: Array<z.infer<S>> = [];
    let cursor: string | undefined;
    do {
      const page = await this.#kv.list({ prefix: this.#prefix, ...(cursor === undefined ? {} : { cursor }) });
      for (const k of page.keys) {
        const record = this.#parse(await this.#kv.get(k.name));
        if (record !== undefined) {
          out.push(record);
        }
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor !== undefined);
    return out;
  }

  #parse(raw: string | null): z.infer<S> | undefined {
    if (raw === null) {
      return undefined;
    }
    try {
      const parsed = this.#schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
