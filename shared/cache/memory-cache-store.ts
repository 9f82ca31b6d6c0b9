/**
 * @module
 * Cache partitions in memory, for self-hosted Node PoPs (one process = one cache) and benches.
 */
import type { CacheFill, CacheLookup, CacheStore } from "./cache-store.ts";
import { MemoryEntryTable } from "./memory-entry-table.ts";
import { PartitionCache, type LookupResult } from "./partition-cache.ts";
import { hostLookup, hostPut, type VerifierRegistry } from "./partition-host.ts";
import { BinaryRerankIndex } from "./vector-index.ts";
import { RuleVerifier } from "./verifier/rule-verifier.ts";

export class MemoryCacheStore implements CacheStore {
  private readonly partitions = new Map<string, { cache: PartitionCache; index: BinaryRerankIndex }>();
  private readonly verifiers: VerifierRegistry;
  private readonly now: () => number;

  constructor(verifiers: VerifierRegistry = { rules: new RuleVerifier() }, now: () => number = Date.now) {
    this.verifiers = verifiers;
    this.now = now;
  }

  async lookup(partition: string, request: CacheLookup): Promise<LookupResult> {
    const p = this.partition(partition);
    return hostLookup(p.cache, p.index, request, this.verifiers, this.now());
  }

  async put(partition: string, fill: CacheFill): Promise<void> {
    const p = this.partition(partition);
    hostPut(p.cache, p.index, fill, this.now());
  }

  private partition(key: string) {
    let p = this.partitions.get(key);
    if (!p) {
      const index = new BinaryRerankIndex();
      p = { cache: new PartitionCache(new MemoryEntryTable(), index), index };
      this.partitions.set(key, p);
    }
    return p;
  }
}
