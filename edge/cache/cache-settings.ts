/**
 * @module
 * The cache's operator settings and its dependencies in the edge app.
 */
import type { CacheStore, VerifierChoice } from "../../shared/cache/cache-store.ts";
import type { HotAnswers } from "./hot-answers.ts";
import type { LookupOrder } from "./lookup-order.ts";

export interface CacheSettings {
  ttlMs: number;
  /** Entries per partition; past it the least recently used are evicted. */
  capacity: number;
  /** The similarity threshold, and the floor no request may go below (see bench `cache`). */
  thresholdFloor: number;
  /** Model id of the embedder used for semantic matching (a served model of task `embeddings`). */
  embedderId: string;
  verifier: VerifierChoice;
  /** Answers larger than this are served but not stored. */
  maxAnswerBytes: number;
}

export interface EdgeCache {
  store: CacheStore;
  settings: CacheSettings;
  /** The isolate's L1 of exact hits, where the store is a round trip away (Durable Objects). */
  hot?: HotAnswers;
  /** Exact-first or embed-first after an L1 miss, from this isolate's traffic (lookup-order.ts). */
  order?: LookupOrder;
}

/**
 * Defaults. The threshold 0.953 is the cosine at which at most 1% of the non-paraphrases and
 * contradictions of the paraphrase dev data hit with the int8 USE-lite embedder and no
 * verifier (`npm run bench -- verifier`); the verifier then takes false hits to about 0.3%.
 */
export const DEFAULT_CACHE_SETTINGS: CacheSettings = {
  ttlMs: 24 * 3600 * 1000,
  capacity: 50_000,
  thresholdFloor: 0.953,
  embedderId: "use-lite",
  verifier: "rules",
  maxAnswerBytes: 1 << 20,
};
