/**
 * @module
 * The `outcomes` feedback sink: at answer time the edge remembers request id → {tenant, model,
 * version} for a bounded time and count; `POST /v1/feedback` on that id (same tenant only) with a
 * verdict (a score, a boolean or a verdict word: `verdictOf`) becomes a good/bad outcome counted
 * per model version, drained into the PoP's sync report so accuracy per version is measured on
 * real traffic. No served task answers with a class label, so a label that is not a verdict says
 * nothing about an answer and is not counted.
 *
 * Memory per isolate: feedback must reach the isolate that answered. A Durable Object per PoP
 * would make it isolate-independent; it is not built yet (docs/monitoring.md).
 */
import type { LRUCache } from "lru-cache";
import { boundedCache } from "../../shared/cache/bounded-cache.ts";
import type { ArmOutcomes } from "../../shared/monitoring/experiment.ts";
import { verdictOf } from "../../shared/protocol/feedback.ts";
import type { FeedbackEvent, FeedbackSink } from "../feedback/feedback-sink.ts";

interface Answered {
  tenant: string;
  model: string;
  version: string;
}

export class OutcomeSink implements FeedbackSink {
  readonly name = "outcomes";
  /** Answers that may still receive feedback: at most `maxEntries`, each for `ttlMs`. */
  private readonly answered: LRUCache<string, Answered>;
  /** One tally per model version, drained with each sync report. */
  private readonly tallies = new Map<string, ArmOutcomes>();

  constructor(options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}) {
    this.answered = boundedCache({
      max: options.maxEntries ?? 10_000,
      ttlMs: options.ttlMs ?? 3_600_000,
      now: options.now ?? Date.now,
    });
  }

  /** Called when an answer leaves the edge. */
  remember(requestId: string, answer: Answered): void {
    this.answered.set(requestId, answer);
  }

  async accept(event: FeedbackEvent): Promise<boolean> {
    const a = this.answered.get(event.feedback.request_id);
    if (!a || a.tenant !== event.tenant) {
      return false;
    }
    const verdict = verdictOf(event.feedback);
    if (verdict === undefined) {
      return false; // a class label is no verdict on an answer that has no label
    }
    // One outcome per answer: a second feedback on the same id does not count twice.
    this.answered.delete(event.feedback.request_id);
    const key = `${a.model}@${a.version}`;
    const t = this.tallies.get(key) ?? { good: 0, total: 0 };
    t.total++;
    if (verdict === "good") {
      t.good++;
    }
    this.tallies.set(key, t);
    return true;
  }

  /** Outcomes per model version since the last drain. */
  drain(): { model: string; version: string; good: number; total: number }[] {
    const out = [...this.tallies].map(([key, t]) => {
      const at = key.lastIndexOf("@");
      return { model: key.slice(0, at), version: key.slice(at + 1), ...t };
    });
    this.tallies.clear();
    return out;
  }
}
