/**
 * @module
 * Turns the store's plain requests into PartitionCache calls: encodes vectors with the
 * partition's index and resolves the verifier choice. Shared by the Durable Object and the
 * in-memory store so both behave the same.
 */
import type { CacheFill, CacheLookup, VerifierChoice } from "./cache-store.ts";
import type { CandidateVerifier, LookupResult, PartitionCache } from "./partition-cache.ts";
import type { VectorIndex } from "./vector-index.ts";
import { scorerFor } from "./scorer/scorer-memo.ts";

/** Verifiers by choice; filled in where the rule-based verifier is wired. */
export type VerifierRegistry = Partial<Record<VerifierChoice, CandidateVerifier>>;

export function hostLookup(
  cache: PartitionCache,
  index: VectorIndex,
  req: CacheLookup,
  verifiers: VerifierRegistry,
  now: number,
): LookupResult {
  const s = req.semantic;
  if (!s) {
    return cache.lookup({ exactKey: req.exactKey, now, ...(req.allowStale ? { allowStale: true } : {}) });
  }
  const verifier = verifiers[s.verifier];
  return cache.lookup({
    exactKey: req.exactKey,
    semantic: {
      query: s.query,
      vector: index.encode(s.vector),
      threshold: s.threshold,
      ...(verifier ? { verifier } : {}),
      ...(s.scorer ? { scorer: scorerFor(s.scorer) } : {}),
    },
    now,
  });
}

export function hostPut(cache: PartitionCache, index: VectorIndex, fill: CacheFill, now: number): void {
  cache.put(
    {
      exactKey: fill.exactKey,
      ...(fill.semantic
        ? { semantic: { query: fill.semantic.query, vector: index.encode(fill.semantic.vector) } }
        : {}),
      answer: fill.answer,
      now,
      ttlMs: fill.ttlMs,
    },
    fill.capacity,
  );
}
