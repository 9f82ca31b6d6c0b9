/**
 * @module
 * The rate-limiter port on Durable Objects: the key id names the object (one per key).
 */
import type { RateLimiter } from "../auth/rate-limiter.ts";
import type { BucketLimits } from "../auth/token-bucket.ts";
import type { RateLimiterDO } from "./objects/rate-limiter-object.ts";

export class DoRateLimiter implements RateLimiter {
  private readonly namespace: DurableObjectNamespace<RateLimiterDO>;

  constructor(namespace: DurableObjectNamespace<RateLimiterDO>) {
    this.namespace = namespace;
  }

  async take(
    keyId: string,
    limits: BucketLimits,
    cost: { tokens: number },
  ): Promise<{ ok: boolean; retryAfterS: number }> {
    return await this.namespace.getByName(`key:${keyId}`).take(limits, cost);
  }
}
