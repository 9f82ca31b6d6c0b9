/**
 * @module
 * The rate limiter the app calls: one bucket pair per API key. The Worker's implementation
 * is a Durable Object per key (edge/worker/objects/rate-limiter-object.ts; never one global object, which
 * would serialise the whole fleet); the Node PoP and unit tests use the in-memory one here.
 */
import { type BucketLimits, type BucketState, fullBucket, take } from "./token-bucket.ts";

export interface RateLimiter {
  take(keyId: string, limits: BucketLimits, cost: { tokens: number }): Promise<{ ok: boolean; retryAfterS: number }>;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #buckets = new Map<string, BucketState>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  take(keyId: string, limits: BucketLimits, cost: { tokens: number }): Promise<{ ok: boolean; retryAfterS: number }> {
    const now = this.#now();
    const result = take(limits, this.#buckets.get(keyId) ?? fullBucket(limits, now), cost, now);
    this.#buckets.set(keyId, result.state);
    return Promise.resolve({ ok: result.ok, retryAfterS: result.retryAfterS });
  }
}
