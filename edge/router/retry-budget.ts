/**
 * @module
 * A retry budget (Envoy's, in requests per sliding window): retries and hedges together may
 * be at most `ratio` of the requests seen in the window, but at least `min_per_window`, so a
 * quiet edge can still fail over. During a total outage this keeps upstream attempts at
 * ≤ (1 + ratio) × inbound instead of max_attempts × inbound.
 */
import { SlottedCounts } from "../../shared/slotted-counts.ts";

export interface RetryBudgetOptions {
  ratio: number;
  min_per_window: number;
  window_ms: number;
}

const REQUESTS = 0;
const RETRIES = 1;

export class RetryBudget {
  private readonly o: RetryBudgetOptions;
  private readonly counts: SlottedCounts;

  constructor(options: RetryBudgetOptions, now: () => number = Date.now) {
    this.o = options;
    this.counts = new SlottedCounts(options.window_ms, 2, now);
  }

  recordRequest(): void {
    this.counts.add(REQUESTS);
  }

  /** Takes one retry from the budget if there is one left. */
  tryRetry(): boolean {
    const requests = this.counts.sum(REQUESTS);
    if (this.counts.sum(RETRIES) >= Math.max(this.o.min_per_window, Math.floor(this.o.ratio * requests))) {
      return false;
    }
    this.counts.add(RETRIES);
    return true;
  }
}
