/**
 * @module
 * A per-origin circuit breaker. Closed: traffic flows. It opens inline on the Nth
 * consecutive failure (Envoy's consecutive-5xx rule) or when the error rate over a sliding
 * window passes a threshold with enough requests seen. Open: no traffic for `open_ms`
 * (doubling on each re-open, capped). Then half-open: one probe at a time; its success
 * closes the breaker, its failure opens it again.
 */
import { SlottedCounts } from "../../shared/slotted-counts.ts";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  consecutive_failures: number;
  error_rate: number;
  min_requests: number;
  window_ms: number;
  open_ms: number;
  max_open_ms: number;
}

const REQUESTS = 0;
const FAILURES = 1;

export class CircuitBreaker {
  private readonly o: BreakerOptions;
  private readonly now: () => number;
  private mode: "closed" | "open" = "closed";
  private consecutive = 0;
  private opens = 0;
  private openUntil = 0;
  private probeSince: number | undefined;
  /** Requests (counter 0) and failures (counter 1) over the sliding window. */
  private readonly outcomes: SlottedCounts;

  constructor(options: BreakerOptions, now: () => number = Date.now) {
    this.o = options;
    this.now = now;
    this.outcomes = new SlottedCounts(options.window_ms, 2, now);
  }

  state(): BreakerState {
    if (this.mode === "closed") {
      return "closed";
    }
    return this.now() >= this.openUntil ? "half-open" : "open";
  }

  /** Asks to send one request; in half-open this takes the single probe slot. */
  tryAcquire(): boolean {
    const state = this.state();
    if (state === "closed") {
      return true;
    }
    if (state === "open") {
      return false;
    }
    // A probe that never reported (its caller vanished) frees the slot after one open period.
    if (this.probeSince !== undefined && this.now() - this.probeSince < this.o.open_ms) {
      return false;
    }
    this.probeSince = this.now();
    return true;
  }

  onSuccess(): void {
    this.record(true);
    this.consecutive = 0;
    if (this.mode === "open") {
      this.mode = "closed";
      this.opens = 0;
      this.probeSince = undefined;
      this.outcomes.clear();
    }
  }

  onFailure(): void {
    this.record(false);
    this.consecutive += 1;
    if (this.mode === "open") {
      // The probe failed: open again, for longer.
      this.trip();
      return;
    }
    if (this.consecutive >= this.o.consecutive_failures || this.rateTripped()) {
      this.trip();
    }
  }

  /** Gives back a probe slot whose request ended without telling anything about the origin. */
  release(): void {
    this.probeSince = undefined;
  }

  private trip(): void {
    this.opens += 1;
    this.mode = "open";
    this.probeSince = undefined;
    const period = Math.min(this.o.max_open_ms, this.o.open_ms * 2 ** (this.opens - 1));
    this.openUntil = this.now() + period;
  }

  private record(ok: boolean): void {
    this.outcomes.add(REQUESTS);
    if (!ok) {
      this.outcomes.add(FAILURES);
    }
  }

  private rateTripped(): boolean {
    const requests = this.outcomes.sum(REQUESTS);
    if (requests < this.o.min_requests) {
      return false;
    }
    return this.outcomes.sum(FAILURES) / requests >= this.o.error_rate;
  }
}
