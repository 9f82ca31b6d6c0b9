/**
 * @module
 * The cache port on Durable Objects: the partition key names the object. Stubs are made per
 * call (a stub belongs to the request that made it).
 */
import type { CacheFill, CacheLookup, CacheStore } from "../../shared/cache/cache-store.ts";
import type { LookupResult } from "../../shared/cache/partition-cache.ts";
import type { SemanticCacheDO } from "./objects/semantic-cache-object.ts";

export class DoCacheStore implements CacheStore {
  private readonly namespace: DurableObjectNamespace<SemanticCacheDO>;

  constructor(namespace: DurableObjectNamespace<SemanticCacheDO>) {
    this.namespace = namespace;
  }

  async lookup(partition: string, request: CacheLookup): Promise<LookupResult> {
    return (await this.namespace.getByName(partition).lookup(request)) as LookupResult;
  }

  async put(partition: string, fill: CacheFill): Promise<void> {
    await this.namespace.getByName(partition).put(fill);
  }
}
