/**
 * @module
 * The most recent N samples of a measurement, overwritten in a ring: memory stays flat however
 * long a process runs, and a quantile reflects recent behaviour only. The router's per-origin
 * latency and the health gate's per-version latency both keep one.
 */
import { quantile } from "./quantile.ts";

export class SampleWindow {
  readonly #capacity: number;
  readonly #samples: number[] = [];
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(value: number): void {
    if (this.#samples.length < this.#capacity) {
      this.#samples.push(value);
    } else {
      this.#samples[this.#next] = value;
      this.#next = (this.#next + 1) % this.#capacity;
    }
  }

  get count(): number {
    return this.#samples.length;
  }

  /** The q-quantile of the window (shared/stats/quantile.ts); undefined while it is empty. */
  quantile(q: number): number | undefined {
    return this.#samples.length === 0 ? undefined : quantile(this.#samples, q);
  }
}
