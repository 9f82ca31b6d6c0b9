/**
 * @module
 * An origin's measured latency: an exponentially weighted moving average (what routing
 * compares) and a window of recent samples for the p95 that hedging waits for. An average
 * that has not been refreshed drifts back toward the best measured latency (half-life
 * DECAY_MS), so an origin that once looked slow gets traffic — and a new measurement — again,
 * instead of being starved by one old sample.
 */

const DECAY_MS = 5000;

const WINDOW = 128;

export class LatencyStats {
  private average: number | undefined;
  private readonly samples: number[] = [];
  private next = 0;
  private readonly alpha: number;
  private lastAt = 0;

  constructor(alpha: number) {
    this.alpha = alpha;
  }

  record(ms: number, at: number): void {
    this.lastAt = at;
    this.average = this.average === undefined ? ms : this.alpha * ms + (1 - this.alpha) * this.average;
    if (this.samples.length < WINDOW) {
      this.samples.push(ms);
    } else {
      this.samples[this.next] = ms;
      this.next = (this.next + 1) % WINDOW;
    }
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
    return this.samples.length;
  }

  p95(): number | undefined {
    if (this.samples.length === 0) {
      return undefined;
    }
    const sorted = this.samples.toSorted((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  }
}
