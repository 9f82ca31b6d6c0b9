/**
 * @module
 * One semantic-cache partition per Durable Object (SQLite storage). The partition key names
 * the object, so entries of different partitions live in different objects and can never
 * match each other. The vector index is rebuilt in memory from SQLite when the object starts.
 */
import { DurableObject } from "cloudflare:workers";
import type { CacheFill, CacheLookup } from "../../../shared/cache/cache-store.ts";
import { PartitionCache, type LookupResult } from "../../../shared/cache/partition-cache.ts";
import { hostLookup, hostPut, type VerifierRegistry } from "../../../shared/cache/partition-host.ts";
import { BinaryRerankIndex } from "../../../shared/cache/vector-index.ts";
import { RuleVerifier } from "../../../shared/cache/verifier/rule-verifier.ts";
import { SqliteEntryTable } from "./sqlite-entry-table.ts";

// One verifier per object: it memoises the analysis of texts it has seen (cached queries recur).
const VERIFIERS: VerifierRegistry = { rules: new RuleVerifier() };

export class SemanticCacheDO extends DurableObject<object> {
  private readonly index = new BinaryRerankIndex();
  private readonly cache: PartitionCache;

  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    this.cache = new PartitionCache(new SqliteEntryTable(ctx.storage.sql), this.index);
  }

  lookup(request: CacheLookup): LookupResult {
    return hostLookup(this.cache, this.index, request, VERIFIERS, Date.now());
  }

  put(fill: CacheFill): void {
    hostPut(this.cache, this.index, fill, Date.now());
  }

  /** Runs lookups back to back and returns the elapsed milliseconds: workerd's clock is too coarse to time one. */
  timeLookups(requests: CacheLookup[]): number {
    const started = performance.now();
    for (const r of requests) {
      hostLookup(this.cache, this.index, r, VERIFIERS, Date.now());
    }
    return performance.now() - started;
  }

  /** Fills many entries in one call (benchmarks, warm-up from a snapshot). */
  putMany(fills: CacheFill[]): void {
    for (const f of fills) {
      hostPut(this.cache, this.index, f, Date.now());
    }
  }

  stats(): { entries: number; bytes: number; indexBytes: number } {
    return this.cache.stats();
  }
}
