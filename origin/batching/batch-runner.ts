/**
 * @module
 * Groups concurrent session runs of one loaded model into batches: requests whose tensors
 * stack (same shapes after the first dimension) wait up to `maxWaitMs`, or until
 * `maxBatch` rows are queued, and then run as one session call. One batch runs at a time
 * per model, so arrivals during a run form the next batch. Feeds that cannot stack run
 * alone, in arrival order, through the same queue (so queue depth counts them too).
 */
import type { Tensor } from "../../shared/engine/ort-runtime.ts";
import { batchKey, splitOutputs, stackFeeds } from "./tensor-batch.ts";

type Feeds = Record<string, Tensor>;

export interface BatchPolicy {
  /** Most rows in one session run; 1 turns batching off. */
  maxBatch: number;
  /** Longest a request waits for others to join its batch. */
  maxWaitMs: number;
}

interface Waiting {
  feeds: Feeds;
  rows: number;
  key: string;
  since: number;
  resolve(out: Feeds): void;
  reject(error: unknown): void;
}

export interface BatchRunnerOptions {
  policy: BatchPolicy;
  /** True when the model's tensors may be stacked at all (see `modelBatches`). */
  batchable: boolean;
  Tensor: typeof Tensor;
  run(feeds: Feeds): Promise<Feeds>;
  /** Called with the number of requests in every session run. */
  onBatch?(requests: number): void;
}

let solo = 0;

export class BatchRunner {
  private readonly o: BatchRunnerOptions;
  private readonly waiting: Waiting[] = [];
  private busy = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: BatchRunnerOptions) {
    this.o = options;
  }

  /** Requests waiting for a session run. */
  get queued(): number {
    return this.waiting.length;
  }

  run(feeds: Feeds): Promise<Feeds> {
    const batch = this.o.batchable && this.o.policy.maxBatch > 1 ? batchKey(feeds) : undefined;
    return new Promise<Feeds>((resolve, reject) => {
      solo += 1;
      this.waiting.push({
        feeds,
        rows: batch?.rows ?? 1,
        key: batch?.key ?? `solo:${solo}`,
        since: performance.now(),
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.waiting.length === 0) {
      return;
    }
    const oldest = this.waiting[0] as Waiting;
    const rows = this.waiting.filter((w) => w.key === oldest.key).reduce((n, w) => n + w.rows, 0);
    const waited = performance.now() - oldest.since;
    const alone = oldest.key.startsWith("solo:");
    if (alone || rows >= this.o.policy.maxBatch || waited >= this.o.policy.maxWaitMs) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush(oldest.key);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.o.policy.maxWaitMs - waited);
    }
  }

  /** Runs the oldest group (up to maxBatch rows) as one session call. */
  private async flush(key: string): Promise<void> {
    const batch: Waiting[] = [];
    let rows = 0;
    for (let i = 0; i < this.waiting.length;) {
      const w = this.waiting[i] as Waiting;
      if (w.key === key && (batch.length === 0 || rows + w.rows <= this.o.policy.maxBatch)) {
        batch.push(w);
        rows += w.rows;
        this.waiting.splice(i, 1);
      } else {
        i += 1;
      }
    }
    this.busy = true;
    this.o.onBatch?.(batch.length);
    try {
      if (batch.length === 1) {
        const only = batch[0] as Waiting;
        only.resolve(await this.o.run(only.feeds));
      } else {
        const out = await this.o.run(
          stackFeeds(
            batch.map((w) => w.feeds),
            this.o.Tensor,
          ),
        );
        const parts = splitOutputs(
          out,
          batch.map((w) => w.rows),
          this.o.Tensor,
        );
        batch.forEach((w, i) => w.resolve(parts[i] as Feeds));
      }
    } catch (error) {
      for (const w of batch) {
        w.reject(error);
      }
    } finally {
      this.busy = false;
      this.schedule();
    }
  }
}
