// The control plane retrains cache scorers by itself: on its interval only for tenants with new
// feedback, at once for every tenant with data when the cache's embedder drifts (not for another
// model's drift), and never two runs at once.
import { afterEach, describe, expect, it, vi } from "vitest";
import { CacheTraining } from "../../../control/cache-training/cache-training.ts";
import { scheduleRetraining } from "../../../control/cache-training/retrain-schedule.ts";
import type { DriftAlert } from "../../../shared/monitoring/drift-monitor.ts";
import type { Logger } from "../../../shared/log.ts";
import { pairHash } from "../../../shared/cache/scorer/pair-hash.ts";
import { operatorPairs } from "../../support/scorer-pairs.ts";

function driftFeed() {
  const listeners = new Set<(a: DriftAlert) => void>();
  return {
    subscribe(l: (a: DriftAlert) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    raise(model: string) {
      const alert: DriftAlert = {
        type: "drift_alert",
        model,
        version: "1.0.0",
        scope: "fleet",
        score: 0.4,
        statistic: "combined",
        threshold: 0.2,
        requests: 100,
        at: 0,
      };
      for (const l of listeners) {
        l(alert);
      }
    },
    get count() {
      return listeners.size;
    },
  };
}

const lines: { event: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = { log: (_level, event, fields) => lines.push({ event, ...(fields ? { fields } : {}) }) };

afterEach(() => {
  vi.useRealTimers();
  lines.length = 0;
});

describe("retrain schedule", () => {
  it("the interval retrains only tenants with feedback they have not trained on", async () => {
    vi.useFakeTimers();
    const training = new CacheTraining();
    training.addPairs("acme", operatorPairs(3));
    training.addPairs("bob", operatorPairs(4));
    const first = operatorPairs(5)[0];
    if (!first) {
      throw new Error("no pair");
    }
    training.addFeedback("acme", {
      features: [...first.features],
      label: 0,
      pair: pairHash("How do I close my account?", "How do I close my account for good?"),
      cached: "How do I close my account?",
      incoming: "How do I close my account for good?",
      at: 0,
    });
    const schedule = scheduleRetraining(training, { everyMs: 60_000, log });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(training.lastResult("acme")).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    vi.useRealTimers();
    await schedule.idle();
    expect(training.lastResult("acme")).toMatchObject({ promoted: true });
    // bob gave no feedback: nothing to learn, not retrained.
    expect(training.lastResult("bob")).toBeUndefined();
    expect(lines.filter((l) => l.event === "cache_training.retrained")).toMatchObject([
      { fields: { why: "schedule", tenant: "acme", promoted: true } },
    ]);
    schedule.stop();
  });

  it("drift on the embedder retrains every tenant with data; drift on another model does not", async () => {
    const training = new CacheTraining();
    training.addPairs("acme", operatorPairs(3));
    training.addPairs("bob", operatorPairs(4));
    const drift = driftFeed();
    const schedule = scheduleRetraining(training, { everyMs: 0, drift, embedderModel: "use-lite", log });
    drift.raise("silero-vad");
    await schedule.idle();
    expect(training.lastResult("acme")).toBeUndefined();
    drift.raise("use-lite");
    // A second alert while the first retrain runs is skipped, not queued.
    drift.raise("use-lite");
    await schedule.idle();
    expect(training.lastResult("acme")).toMatchObject({ promoted: true });
    expect(training.lastResult("bob")).toMatchObject({ promoted: true });
    expect(lines.filter((l) => l.event === "cache_training.retrained")).toHaveLength(2);
    expect(lines.some((l) => l.event === "cache_training.skipped")).toBe(true);
    schedule.stop();
    expect(drift.count).toBe(0);
  });
});
