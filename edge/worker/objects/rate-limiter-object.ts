/**
 * @module
 * One Durable Object per API key holding its request and token buckets. A DO is single-
 * threaded, so concurrent requests of one key are applied one after another: no lost update,
 * no balance drift. The state is kept in the object's storage so an evicted object resumes
 * where it stopped instead of handing a fresh minute's worth to an abuser.
 */
import { DurableObject } from "cloudflare:workers";
import { type BucketLimits, type BucketState, fullBucket, take } from "../../auth/token-bucket.ts";

const STATE = "bucket";

export class RateLimiterDO extends DurableObject<object> {
  take(limits: BucketLimits, cost: { tokens: number }): { ok: boolean; retryAfterS: number } {
    const now = Date.now();
    const stored = this.ctx.storage.kv.get<BucketState>(STATE);
    const result = take(limits, stored ?? fullBucket(limits, now), cost, now);
    this.ctx.storage.kv.put(STATE, result.state);
    return { ok: result.ok, retryAfterS: result.retryAfterS };
  }
}
