/**
 * @module
 * Per-tenant settings an operator chooses: today, whether semantic cache hits need the
 * verifier's agreement (`rules`, the default) or similarity alone (`off`). In KV under
 * `tenant:<id>` (Worker) or memory (Node PoP), read through a short per-isolate cache.
 */
import { z } from "zod";
import { type KvLike, KvRecords } from "../../adapters/workerd/kv-records.ts";

export const TenantSettingsSchema = z
  .object({
    cache_verifier: z.enum(["rules", "off"]).optional(),
  })
  .strict();
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

export interface TenantSettingsStore {
  get(tenant: string): Promise<TenantSettings | undefined>;
  put(tenant: string, settings: TenantSettings): Promise<void>;
}

export class KvTenantSettings implements TenantSettingsStore {
  readonly #records: KvRecords<typeof TenantSettingsSchema>;

  constructor(kv: KvLike, ttlMs: number) {
    this.#records = new KvRecords(kv, "tenant:", TenantSettingsSchema, ttlMs);
  }

  get(tenant: string): Promise<TenantSettings | undefined> {
    return this.#records.get(tenant);
  }

  put(tenant: string, settings: TenantSettings): Promise<void> {
    return this.#records.put(tenant, settings);
  }
}

export class MemoryTenantSettings implements TenantSettingsStore {
  readonly #settings = new Map<string, TenantSettings>();

  get(tenant: string): Promise<TenantSettings | undefined> {
    return Promise.resolve(this.#settings.get(tenant));
  }

  put(tenant: string, settings: TenantSettings): Promise<void> {
    this.#settings.set(tenant, settings);
    return Promise.resolve();
  }
}
