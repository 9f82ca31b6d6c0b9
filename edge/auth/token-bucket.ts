/**
 * @module
 * Two token buckets per API key, one for requests and one for (text) tokens, each refilled
 * continuously at its per-minute rate up to one minute's worth. A request passes when a
 * request is available and the token balance is positive; its token cost is then debited,
 * possibly below zero — so the overshoot is at most one request's tokens (Envoy AI Gateway's
 * semantics), and the debt delays the next request instead of being forgotten.
 */

export interface BucketLimits {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

export interface BucketState {
  requests: number;
  tokens: number;
  updatedMs: number;
}

export interface TakeResult {
  ok: boolean;
  /** Whole seconds until a retry can pass (0 when ok). */
  retryAfterS: number;
  state: BucketState;
}

export function fullBucket(limits: BucketLimits, nowMs: number): BucketState {
  return { requests: limits.requestsPerMinute, tokens: limits.tokensPerMinute, updatedMs: nowMs };
}

export function take(limits: BucketLimits, previous: BucketState, cost: { tokens: number }, nowMs: number): TakeResult {
  const elapsed = Math.max(0, nowMs - previous.updatedMs);
  const rRate = limits.requestsPerMinute / 60_000;
  const tRate = limits.tokensPerMinute / 60_000;
  const state: BucketState = {
    requests: Math.min(limits.requestsPerMinute, previous.requests + elapsed * rRate),
    tokens: Math.min(limits.tokensPerMinute, previous.tokens + elapsed * tRate),
    updatedMs: nowMs,
  };
  if (state.requests >= 1 && state.tokens > 0) {
    return {
      ok: true,
      retryAfterS: 0,
      state: { ...state, requests: state.requests - 1, tokens: state.tokens - Math.max(0, cost.tokens) },
    };
  }
  const waitRequests = state.requests >= 1 ? 0 : (1 - state.requests) / rRate;
  const waitTokens = state.tokens > 0 ? 0 : (-state.tokens + 1) / tRate;
  return { ok: false, retryAfterS: Math.max(1, Math.ceil(Math.max(waitRequests, waitTokens) / 1000)), state };
}
