/**
 * @module
 * What the router knows about one origin: its breaker, its measured latency, the load it
 * last reported (queue depth from its response headers), requests this isolate has in
 * flight to it, and until when it asked not to be called (`retry-after` on 429/503).
 */
import { CircuitBreaker } from "./breaker.ts";
import { LatencyStats } from "./latency-stats.ts";
import type { OriginEntry, RoutingPolicy } from "./origin-table.ts";

export class OriginState {
  readonly entry: OriginEntry;
  readonly breaker: CircuitBreaker;
  readonly latency: LatencyStats;
  queueDepth = 0;
  inFlight = 0;
  coolingUntil = 0;

  constructor(entry: OriginEntry, policy: RoutingPolicy, now: () => number) {
    this.entry = entry;
    this.breaker = new CircuitBreaker(policy.breaker, now);
    this.latency = new LatencyStats(policy.ewma_alpha);
  }

  serves(model: string): boolean {
    return this.entry.models === undefined || this.entry.models.includes(model);
  }

  /** `origin/<region>` or `lambda/<region>`, for `x-edgefleet-served-by`. */
  get servedBy(): string {
    return `${this.entry.kind === "lambda" ? "lambda" : "origin"}/${this.entry.region}`;
  }

  /** Lower is better: expected latency scaled by the work queued ahead of a new request. */
  score(bestLatencyMs: number, now: number): number {
    return this.latency.estimate(bestLatencyMs, now) * (1 + this.queueDepth + this.inFlight);
  }
}
