/**
 * @module
 * Where API-key records live. The Worker keeps them in KV (`CONFIG`, keys `apikey:<id>`),
 * read on the hot path through a per-isolate cache with a short TTL; the Node PoP and tests
 * keep them in memory. A revocation is therefore seen everywhere within the cache TTL plus
 * KV's propagation delay (about 60 s in production): docs/security.md states the bound.
 */
import { type ApiKeyRecord, ApiKeyRecordSchema } from "./api-key.ts";
import { type KvLike, KvRecords } from "../../adapters/workerd/kv-records.ts";

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

export type { KvLike } from "../../adapters/workerd/kv-records.ts";

/** Key records in KV under `apikey:<id>`; a record that does not parse authenticates nobody. */
export class KvKeyStore implements ApiKeyStore {
  readonly #records: KvRecords<typeof ApiKeyRecordSchema>;

  constructor(kv: KvLike, ttlMs: number, now: () => number = Date.now) {
    this.#records = new KvRecords(kv, "apikey:", ApiKeyRecordSchema, ttlMs, now);
  }

  get(id: string): Promise<ApiKeyRecord | undefined> {
    return this.#records.get(id);
  }

  put(record: ApiKeyRecord): Promise<void> {
    return this.#records.put(record.id, record);
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.#records.list();
  }
}
