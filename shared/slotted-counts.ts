/**
 * @module
 * Counters over a sliding window kept as a ring of time slots (window / slots wide each): adding
 * and summing cost O(slots) whatever the traffic, where a list of timestamped events grows with
 * the request rate (at 1,500 req/s a 10 s window is 15,000 entries to trim). The window is exact
 * to one slot's width, which is all a breaker's error rate, a retry budget or the cache's lookup
 * order needs.
 */
export class SlottedCounts {
  private readonly width: number;
  private readonly slots: number;
  private readonly counts: Float64Array[];
  private readonly now: () => number;
  private slotStart: number;
  private slot = 0;

  /** `counters` independent counts (e.g. requests and failures) share one ring. */
  constructor(windowMs: number, counters: number, now: () => number = Date.now, slots = 10) {
    this.width = windowMs / slots;
    this.slots = slots;
    this.counts = Array.from({ length: counters }, () => new Float64Array(slots));
    this.now = now;
    this.slotStart = now();
  }

  add(counter: number, n = 1): void {
    this.advance();
    const c = this.counts[counter];
    if (c) {
      c[this.slot] = (c[this.slot] ?? 0) + n;
    }
  }

  /** The counter's total over the window. */
  sum(counter: number): number {
    this.advance();
    let total = 0;
    for (const v of this.counts[counter] ?? []) {
      total += v;
    }
    return total;
  }

  clear(): void {
    for (const c of this.counts) {
      c.fill(0);
    }
  }

  /** Moves the window forward, clearing the slots that fell out of it. */
  private advance(): void {
    const now = this.now();
    let steps = Math.floor((now - this.slotStart) / this.width);
    if (steps <= 0) {
      return;
    }
    this.slotStart += steps * this.width;
    steps = Math.min(steps, this.slots);
    for (let i = 0; i < steps; i++) {
      this.slot = (this.slot + 1) % this.slots;
      for (const c of this.counts) {
        c[this.slot] = 0;
      }
    }
  }
}
