/**
 * @module
 * A per-origin circuit breaker. Closed: traffic flows. It opens inline on the Nth
 * consecutive failure (Envoy's consecutive-5xx rule) or when the error rate over a sliding
 * window passes a threshold with enough requests seen. Open: no traffic for `open_ms`. Then
 * half-open: one probe at a time; its success closes the breaker, its failure opens it again
 * for twice as long (capped at `max_open_ms`). Only the probe's outcome moves an open breaker.
 *
 * Every attempt carries a ticket from `tryAcquire` (a generation number: no allocation per
 * request). Each opening and each probe starts a new generation, and a result whose ticket is
 * not the current generation is dropped: the requests that were in flight when the breaker
 * opened cannot double its open period by failing late, nor close it by answering late, and a
 * probe given up on cannot speak for the probe that replaced it.
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

/** What `tryAcquire` answers when no attempt may start (tickets are ≥ 0). */
export const REFUSED = -1;

const REQUESTS = 0;
const FAILURES = 1;

export class CircuitBreaker {
  private readonly o: BreakerOptions;
  private readonly now: () => number;
  private mode: "closed" | "open" = "closed";
  /** The current generation: closed-mode attempts carry it; each opening and each probe bump it. */
  private generation = 0;
  private consecutive = 0;
  /** Probes failed in a row since the breaker opened: the open period is open_ms × 2^this, capped. */
  private failedProbes = 0;
  private openUntil = 0;
  /** When the current generation's probe was let through; undefined while no probe is out. */
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

  /**
   * Asks to send one request: a ticket to hand back with its result, or `REFUSED`. In
   * half-open this takes the single probe slot (and a generation of its own).
   */
  tryAcquire(): number {
    if (this.mode === "closed") {
      return this.generation;
    }
    const now = this.now();
    if (now < this.openUntil) {
      return REFUSED;
    }
    // A probe that never reported (its caller vanished) frees the slot after one open period.
    if (this.probeSince !== undefined && now - this.probeSince < this.o.open_ms) {
      return REFUSED;
    }
    this.probeSince = now;
    this.generation += 1;
    return this.generation;
  }

  onSuccess(ticket: number): void {
    if (ticket !== this.generation) {
      return; // started before the latest opening or probe: it says nothing about the origin now
    }
    if (this.mode === "open") {
      // The probe answered: the origin is back.
      this.mode = "closed";
      this.failedProbes = 0;
      this.consecutive = 0;
      this.probeSince = undefined;
      this.outcomes.clear();
      return;
    }
    this.record(true);
    this.consecutive = 0;
  }

  onFailure(ticket: number): void {
    if (ticket !== this.generation) {
      return;
    }
    if (this.mode === "open") {
      // The probe failed: open again, for longer.
      this.failedProbes += 1;
      this.open();
      return;
    }
    this.record(false);
    this.consecutive += 1;
    if (this.consecutive >= this.o.consecutive_failures || this.rateTripped()) {
      this.open();
    }
  }

  /** Gives back a probe slot whose request ended without telling anything about the origin. */
  release(ticket: number): void {
    if (ticket === this.generation && this.mode === "open") {
      this.probeSince = undefined;
    }
  }

  private open(): void {
    this.mode = "open";
    this.generation += 1;
    this.consecutive = 0;
    this.probeSince = undefined;
    const period = Math.min(this.o.max_open_ms, this.o.open_ms * 2 ** this.failedProbes);
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
