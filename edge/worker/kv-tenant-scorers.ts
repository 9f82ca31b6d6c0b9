/**
 * @module
 * Tenants' cache scorers in KV (`cache-scorer:<tenant>`), read through the isolate's short-lived
 * record cache (`adapters/workerd/kv-records.ts`) so a lookup does not wait on KV every time; a
 * `PUT` is seen at once here and by other isolates within the cache's TTL (`CACHE_SCORER_TTL_S`).
 */
import { type KvLike, KvRecords } from "../../adapters/workerd/kv-records.ts";
import { ScorerModelSchema, type ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";
import type { TenantScorers } from "../cache/tenant-scorers.ts";

export class KvTenantScorers implements TenantScorers {
  readonly #records: KvRecords<typeof ScorerModelSchema>;

  constructor(kv: KvLike, ttlMs: number) {
    // Validated again on read: KV is written by this code, but a bad record must not break lookups.
    this.#records = new KvRecords(kv, "cache-scorer:", ScorerModelSchema, ttlMs);
  }

  get(tenant: string): Promise<ScorerModel | undefined> {
    return this.#records.get(tenant);
  }

  put(tenant: string, model: ScorerModel): Promise<void> {
    return this.#records.put(tenant, model);
  }

  delete(tenant: string): Promise<void> {
    return this.#records.delete(tenant);
  }
}
