/**
 * @module
 * One cache partition: everything in it shares tenant, model version, system prompt, tools and
 * generation parameters (the partition key), so nothing here can ever answer a request of
 * another partition. Lookup tries the exact layer (hash of the canonical request), then the
 * semantic layer (nearest stored query above the threshold, confirmed by the verifier).
 * Entries expire after a TTL; past the capacity the least recently used go first.
 */
import type { CachedAnswer, EntryTable, NewEntry } from "./cache-entry.ts";
import type { EncodedVector, VectorIndex } from "./vector-index.ts";

/** The second opinion on a semantic candidate (issue: "never answers the opposite question"). */
export interface CandidateVerifier {
  verify(cachedQuery: string, incomingQuery: string): { ok: true } | { ok: false; reason: string };
}

/** A tenant's tuned pair scorer (shared/cache/scorer): decides a candidate from the pair, not the cosine alone. */
export interface CandidateScorer {
  judge(
    cachedQuery: string,
    incomingQuery: string,
    similarity: number,
  ): { ok: true; score: number; features: number[] } | { ok: false; reason: string };
}

export interface LookupRequest {
  exactKey: string;
  semantic?: {
    query: string;
    vector: EncodedVector;
    threshold: number;
    verifier?: CandidateVerifier;
    /** When set, it decides instead of the verifier (it applies the verifier's veto itself). */
    scorer?: CandidateScorer;
  };
  now: number;
  /**
   * Also answer with an expired exact entry (then `kind: "stale"`): only when no origin can
   * answer, so a degraded edge still serves what it last knew instead of failing.
   */
  allowStale?: boolean;
}

/** How long an expired entry is kept for stale answers during an outage. */
export const STALE_GRACE_MS = 24 * 3600 * 1000;

export type LookupResult =
  /** `expiresAt`: when the entry stops being a hit (bounds the edge isolate's copy, edge/cache/hot-answers.ts). */
  | { kind: "hit"; answer: CachedAnswer; expiresAt: number }
  | {
      kind: "semantic";
      answer: CachedAnswer;
      similarity: number;
      /** With a scorer: the stored query that answered, its score and features (for feedback). */
      judged?: { cachedQuery: string; score: number; features: number[] };
    }
  | { kind: "stale"; answer: CachedAnswer; ageMs: number }
  | { kind: "miss"; rejected?: { reason: string; similarity: number } };

/** Candidates checked by the verifier before the lookup gives up: the best few above the threshold. */
const SEMANTIC_CANDIDATES = 4;

export class PartitionCache {
  private readonly table: EntryTable;
  private readonly index: VectorIndex;

  constructor(table: EntryTable, index: VectorIndex) {
    this.table = table;
    this.index = index;
    for (const { id, vector } of table.vectors()) {
      index.add(id, vector);
    }
  }

  lookup(req: LookupRequest): LookupResult {
    const exact = this.table.byExactKey(req.exactKey);
    if (exact && exact.expiresAt > req.now) {
      this.table.touch(exact.id, req.now);
      return { kind: "hit", answer: exact.answer, expiresAt: exact.expiresAt };
    }
    if (exact && req.allowStale && exact.expiresAt + STALE_GRACE_MS > req.now) {
      return { kind: "stale", answer: exact.answer, ageMs: req.now - exact.expiresAt };
    }
    if (exact && exact.expiresAt + STALE_GRACE_MS <= req.now) {
      this.drop(exact.id);
    }
    // An expired entry within the grace window is never a normal hit, only kept for outages.
    if (!req.semantic) {
      return { kind: "miss" };
    }
    const { query, vector, threshold, verifier, scorer } = req.semantic;
    let rejected: { reason: string; similarity: number } | undefined;
    for (const match of this.index.search(vector, threshold, SEMANTIC_CANDIDATES)) {
      const entry = this.table.byId(match.id);
      if (!entry || entry.expiresAt <= req.now || entry.query === null) {
        continue;
      }
      if (scorer) {
        const judged = scorer.judge(entry.query, query, match.similarity);
        if (judged.ok) {
          this.table.touch(entry.id, req.now);
          const about = { cachedQuery: entry.query, score: judged.score, features: judged.features };
          return { kind: "semantic", answer: entry.answer, similarity: match.similarity, judged: about };
        }
        rejected ??= { reason: judged.reason, similarity: match.similarity };
        continue;
      }
      const verdict = verifier?.verify(entry.query, query) ?? { ok: true };
      if (verdict.ok) {
        this.table.touch(entry.id, req.now);
        return { kind: "semantic", answer: entry.answer, similarity: match.similarity };
      }
      rejected ??= { reason: verdict.reason, similarity: match.similarity };
    }
    return rejected ? { kind: "miss", rejected } : { kind: "miss" };
  }

  /** Stores an answer; past `capacity` entries the least recently used are evicted. */
  put(entry: NewEntry, capacity: number): void {
    const bytes = entry.exactKey.length + (entry.semantic?.query.length ?? 0) + JSON.stringify(entry.answer).length;
    const { id, replaced } = this.table.insert(entry, bytes);
    if (replaced !== undefined) {
      this.index.remove(replaced);
    }
    if (entry.semantic) {
      this.index.add(id, entry.semantic.vector);
    }
    for (const old of this.table.expired(entry.now - STALE_GRACE_MS, 64)) {
      this.drop(old);
    }
    const over = this.table.count() - capacity;
    if (over > 0) {
      for (const old of this.table.leastRecentlyUsed(over)) {
        this.drop(old);
      }
    }
  }

  stats(): { entries: number; bytes: number; indexBytes: number } {
    return { entries: this.table.count(), bytes: this.table.totalBytes(), indexBytes: this.index.bytes() };
  }

  private drop(id: number): void {
    this.table.delete(id);
    this.index.remove(id);
  }
}
