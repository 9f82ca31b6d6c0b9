/**
 * @module
 * The `outcomes` feedback sink: at answer time the edge remembers request id → {tenant, model,
 * version, answer label} for a bounded time and count; `POST /v1/feedback` on that id (same tenant
 * only) becomes a good/bad outcome counted per model version, drained into the PoP's sync report
 * so accuracy per version is measured on real traffic. A label is compared with the remembered
 * answer's label; a score or verdict word is taken as it is (`verdictOf`).
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
  /** The answer's label (top class), when the task has one. */
  label?: string;
}

/** The top class label of a text-classification answer, the thing a label feedback is checked against. */
export function topLabel(output: unknown): string | undefined {
  const labels = (output as { labels?: unknown } | null)?.labels;
  if (!Array.isArray(labels)) {
    return undefined;
  }
  let best: { label?: unknown; score?: unknown } | undefined;
  for (const l of labels as { label?: unknown; score?: unknown }[]) {
    if (!best || Number(l.score ?? 0) > Number(best.score ?? 0)) {
      best = l;
    }
  }
  return typeof best?.label === "string" ? best.label : undefined;
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
    const label = event.feedback.label;
    const verdict =
      verdictOf(event.feedback) ??
      (a.label !== undefined && label !== undefined ? (String(label) === a.label ? "good" : "bad") : undefined);
    if (verdict === undefined) {
      return false; // a label for an answer without one says nothing about it
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
