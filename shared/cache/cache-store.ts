/**
 * @module
 * The port between the edge and its cache partitions: one call per lookup, one per fill, each
 * addressed to exactly one partition. Workers: one Durable Object per partition. Node PoPs: memory.
 */
import type { CachedAnswer } from "./cache-entry.ts";
import type { LookupResult } from "./partition-cache.ts";
import type { ScorerModel } from "./scorer/scorer-model.ts";

export interface CacheLookup {
  exactKey: string;
  /** Answer with an expired entry too (all origins down); see PartitionCache. */
  allowStale?: boolean;
  semantic?: {
    query: string;
    vector: Float32Array;
    threshold: number;
    verifier: VerifierChoice;
    /** The tenant's tuned scorer (plain JSON, validated where it entered the edge); absent: the verifier decides. */
    scorer?: ScorerModel;
  };
}

export interface CacheFill {
  exactKey: string;
  semantic?: { query: string; vector: Float32Array };
  answer: CachedAnswer;
  ttlMs: number;
  capacity: number;
}

/** `rules`: the built-in verifier; `off`: similarity alone decides (per-tenant opt-out). */
export type VerifierChoice = "rules" | "off";

export interface CacheStore {
  lookup(partition: string, request: CacheLookup): Promise<LookupResult>;
  put(partition: string, fill: CacheFill): Promise<void>;
}
