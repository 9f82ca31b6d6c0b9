/**
 * @module
 * A retry budget (Envoy's, in requests per sliding window): retries and hedges together may
 * be at most `ratio` of the requests seen in the window, but at least `min_per_window`, so a
 * quiet edge can still fail over. During a total outage this keeps upstream attempts at
 * ≤ (1 + ratio) × inbound instead of max_attempts × inbound.
 */

export interface RetryBudgetOptions {
  ratio: number;
  min_per_window: number;
  window_ms: number;
}

const SLOTS = 10;

export class RetryBudget {
  private readonly o: RetryBudgetOptions;
  private readonly now: () => number;
  private readonly requests = Array.from({ length: SLOTS }, () => 0);
  private readonly retries = Array.from({ length: SLOTS }, () => 0);
  private slotStart = 0;
  private slot = 0;

  constructor(options: RetryBudgetOptions, now: () => number = Date.now) {
    this.o = options;
    this.now = now;
    this.slotStart = now();
  }

  recordRequest(): void {
    this.advance();
    this.requests[this.slot] = (this.requests[this.slot] ?? 0) + 1;
  }

  /** Takes one retry from the budget if there is one left. */
  tryRetry(): boolean {
    this.advance();
    const requests = this.requests.reduce((a, b) => a + b, 0);
    const retries = this.retries.reduce((a, b) => a + b, 0);
    if (retries >= Math.max(this.o.min_per_window, Math.floor(this.o.ratio * requests))) {
      return false;
    }
    this.retries[this.slot] = (this.retries[this.slot] ?? 0) + 1;
    return true;
  }

  /** Moves the window forward, clearing slots older than it. */
  private advance(): void {
    const width = this.o.window_ms / SLOTS;
    const now = this.now();
    let steps = Math.floor((now - this.slotStart) / width);
    if (steps <= 0) {
      return;
    }
    this.slotStart += steps * width;
    steps = Math.min(steps, SLOTS);
    for (let i = 0; i < steps; i++) {
      this.slot = (this.slot + 1) % SLOTS;
      this.requests[this.slot] = 0;
      this.retries[this.slot] = 0;
    }
  }
}
