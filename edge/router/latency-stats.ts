/**
 * @module
 * An origin's measured latency: an exponentially weighted moving average (what routing
 * compares) and a window of recent samples for the p95 that hedging waits for. An average
 * that has not been refreshed drifts back toward the best measured latency (half-life
 * DECAY_MS), so an origin that once looked slow gets traffic — and a new measurement — again,
 * instead of being starved by one old sample.
 */

const DECAY_MS = 5000;

import { SampleWindow } from "../../shared/stats/sample-window.ts";

const WINDOW = 128;

export class LatencyStats {
  private average: number | undefined;
  private readonly samples = new SampleWindow(WINDOW);
  private readonly alpha: number;
  private lastAt = 0;

  constructor(alpha: number) {
    this.alpha = alpha;
  }

  record(ms: number, at: number): void {
    this.lastAt = at;
    this.average = this.average === undefined ? ms : this.alpha * ms + (1 - this.alpha) * this.average;
    this.samples.add(ms);
  }

  ewma(fallback: number): number {
    return this.average ?? fallback;
  }

  /** The average, decayed toward `best` by the time since the last sample. */
  estimate(best: number, now: number): number {
    if (this.average === undefined || this.average <= best) {
      return this.average ?? best;
    }
    return best + (this.average - best) * 0.5 ** (Math.max(0, now - this.lastAt) / DECAY_MS);
  }

  get count(): number {
    return this.samples.count;
  }

  p95(): number | undefined {
    return this.samples.quantile(0.95);
  }
}
