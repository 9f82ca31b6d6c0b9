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
import type { CachedAnswer } from "../../shared/cache/cache-entry.ts";
import type { KeyTexts } from "../../shared/cache/cache-keys.ts";

interface HotEntry {
  answer: CachedAnswer;
  expiresAt: number;
  bytes: number;
}

export interface HotAnswersOptions {
  maxAgeMs: number;
  maxBytes: number;
}

export const DEFAULT_HOT_ANSWERS: HotAnswersOptions = { maxAgeMs: 10_000, maxBytes: 8 * 2 ** 20 };

export class HotAnswers {
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recently used.
  private readonly entries = new Map<string, HotEntry>();
  private readonly options: HotAnswersOptions;
  private bytes = 0;

  constructor(options: HotAnswersOptions = DEFAULT_HOT_ANSWERS) {
    this.options = options;
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
    this.entries.delete(key);
    if (entry.expiresAt <= now) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.answer;
  }

  /** Keeps an answer until `expiresAt` (the stored entry's expiry), at most `maxAgeMs` from now. */
  set(key: string, answer: CachedAnswer, expiresAt: number, now: number): void {
    const bytes = 2 * (key.length + (answer.body?.length ?? 0) + (answer.events?.join("").length ?? 0)) + 64;
    if (bytes > this.options.maxBytes || expiresAt <= now) {
      return;
    }
    this.delete(key);
    this.entries.set(key, { answer, expiresAt: Math.min(expiresAt, now + this.options.maxAgeMs), bytes });
    this.bytes += bytes;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.options.maxBytes) {
        break;
      }
      this.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.bytes -= entry.bytes;
      this.entries.delete(key);
    }
  }
}
