/**
 * @module
 * The cache's operator settings and its dependencies in the edge app.
 */
import type { CacheStore, VerifierChoice } from "../../shared/cache/cache-store.ts";

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
}

/**
 * Defaults. The threshold is calibrated on the paraphrase dev data for ≤ 1% false hits with
 * the int8 USE-lite embedder (`npm run bench -- cache`).
 */
export const DEFAULT_CACHE_SETTINGS: CacheSettings = {
  ttlMs: 24 * 3600 * 1000,
  capacity: 50_000,
  thresholdFloor: 0.95,
  embedderId: "use-lite",
  verifier: "rules",
  maxAnswerBytes: 1 << 20,
};
