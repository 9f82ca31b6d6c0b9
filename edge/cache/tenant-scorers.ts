/**
 * @module
 * Where the edge finds each tenant's tuned pair scorer: set by the sync agent when a scorer
 * published to the registry rolls out to this PoP (`scorer-rollout.ts`), or by hand with
 * `PUT /admin/cache-scorers/:tenant`; gone back to the untuned default by `DELETE`. Memory for Node PoPs and tests; KV on Workers
 * (`edge/worker/kv-tenant-scorers.ts`).
 */
import type { ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";

export interface TenantScorers {
  get(tenant: string): Promise<ScorerModel | undefined>;
  put(tenant: string, model: ScorerModel): Promise<void>;
  delete(tenant: string): Promise<void>;
}

export class MemoryTenantScorers implements TenantScorers {
  private readonly models = new Map<string, ScorerModel>();

  async get(tenant: string): Promise<ScorerModel | undefined> {
    return this.models.get(tenant);
  }

  async put(tenant: string, model: ScorerModel): Promise<void> {
    this.models.set(tenant, model);
  }

  async delete(tenant: string): Promise<void> {
    this.models.delete(tenant);
  }
}
