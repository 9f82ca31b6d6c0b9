/**
 * @module
 * Tenants' cache scorers in KV (`cache-scorer:<tenant>`), read through a short memo so a lookup
 * does not wait on KV every time; a `PUT` is seen by other isolates within the memo's TTL.
 */
import { ScorerModelSchema, type ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";
import type { TenantScorers } from "../cache/tenant-scorers.ts";

export class KvTenantScorers implements TenantScorers {
  private readonly kv: KVNamespace;
  private readonly ttlMs: number;
  private readonly memo = new Map<string, { model: ScorerModel | undefined; until: number }>();

  constructor(kv: KVNamespace, ttlMs: number) {
    this.kv = kv;
    this.ttlMs = ttlMs;
  }

  async get(tenant: string): Promise<ScorerModel | undefined> {
    const now = Date.now();
    const hit = this.memo.get(tenant);
    if (hit && hit.until > now) {
      return hit.model;
    }
    const raw = await this.kv.get(`cache-scorer:${tenant}`, "json");
    // Validated again on read: KV is written by this code, but a bad record must not break lookups.
    const parsed = raw === null ? undefined : ScorerModelSchema.safeParse(raw);
    const model = parsed?.success ? parsed.data : undefined;
    this.memo.set(tenant, { model, until: now + this.ttlMs });
    return model;
  }

  async put(tenant: string, model: ScorerModel): Promise<void> {
    await this.kv.put(`cache-scorer:${tenant}`, JSON.stringify(model));
    this.memo.delete(tenant);
  }

  async delete(tenant: string): Promise<void> {
    await this.kv.delete(`cache-scorer:${tenant}`);
    this.memo.delete(tenant);
  }
}
