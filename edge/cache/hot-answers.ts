/**
 * @module
 * The per-isolate L1 of the exact layer: answers this isolate recently saw hit, or stored
 * itself, kept in memory so a repeated request is answered without a Durable Object round trip
 * or a SHA-256. Keyed by the canonical JSON of every partition part (tenant, route, model id
 * and version, embedder digest, every other field) plus the whole request, so it can only
 * answer what the exact layer itself would: a new model version or another tenant is another
 * key. An entry lives no longer than the stored entry's own expiry and at most `maxAgeMs`
 * (an operator's deletion in the object is seen within that bound); past `maxBytes` the least
 * recently used go first. Semantic hits never go in: the verifier and the tenant's choice of
 * it are asked again each time.
 */
import type { LRUCache } from "lru-cache";
import { boundedCache } from "../../shared/cache/bounded-cache.ts";
import type { CachedAnswer } from "../../shared/cache/cache-entry.ts";
import type { KeyTexts } from "../../shared/cache/cache-keys.ts";

interface HotEntry {
  answer: CachedAnswer;
  /** Judged against the caller's clock (the request's `now`), not the cache's. */
  expiresAt: number;
  bytes: number;
}

export interface HotAnswersOptions {
  maxAgeMs: number;
  maxBytes: number;
}

export const DEFAULT_HOT_ANSWERS: HotAnswersOptions = { maxAgeMs: 10_000, maxBytes: 8 * 2 ** 20 };

/** What an entry weighs beyond its text (bounds the count too: at most `maxBytes / 64` entries). */
const MIN_ENTRY_BYTES = 64;

export class HotAnswers {
  private readonly entries: LRUCache<string, HotEntry>;
  private readonly options: HotAnswersOptions;

  constructor(options: HotAnswersOptions = DEFAULT_HOT_ANSWERS) {
    this.options = options;
    this.entries = boundedCache<string, HotEntry>({
      maxBytes: options.maxBytes,
      sizeOf: (entry) => entry.bytes,
    });
  }

  /** The key of a request in its partition: both exact-layer keys, before they are hashed. */
  static keyOf(texts: KeyTexts): string {
    // Canonical JSON never holds a raw newline, so the join is unambiguous.
    return `${texts.partition}\n${texts.exact}`;
  }

  get(key: string, now: number): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      return undefined;
    }
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  /** Keeps an answer until `expiresAt` (the stored entry's expiry), at most `maxAgeMs` from now. */
  set(key: string, answer: CachedAnswer, expiresAt: number, now: number): void {
    const bytes =
      2 * (key.length + (answer.body?.length ?? 0) + (answer.events?.join("").length ?? 0)) + MIN_ENTRY_BYTES;
    if (bytes > this.options.maxBytes || expiresAt <= now) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, { answer, expiresAt: Math.min(expiresAt, now + this.options.maxAgeMs), bytes });
  }

  get size(): number {
    return this.entries.size;
  }
}
