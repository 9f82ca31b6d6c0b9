/**
 * @module
 * An origin's measured latency: an exponentially weighted moving average (what routing
 * compares) and a window of recent samples for the p95 that hedging waits for.
 */

const WINDOW = 128;

export class LatencyStats {
  private average: number | undefined;
  private readonly samples: number[] = [];
  private next = 0;
  private readonly alpha: number;

  constructor(alpha: number) {
    this.alpha = alpha;
  }

  record(ms: number): void {
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
