/**
 * @module
 * When the control plane retrains tenants' cache scorers without an operator asking: every
 * `everyMs` (`CacheTraining.runDue`: tenants with feedback they have not trained on), and at once
 * when drift monitoring raises an alert on the cache's embedder model — the traffic the scorer
 * was trained on has changed, so every tenant with training data is retrained (`onDrift`).
 * One run at a time: a tick that finds the previous run still going is skipped, not queued,
 * so a slow retrain never piles up behind itself.
 */
import type { DriftAlert } from "../../shared/monitoring/drift-monitor.ts";
import type { Logger } from "../../shared/log.ts";
import type { CacheTraining } from "./cache-training.ts";
import type { RetrainResult } from "./retrain.ts";

export interface RetrainScheduleOptions {
  /** Interval of `runDue`; 0 turns the timer off (drift still triggers). */
  everyMs: number;
  /** Drift alerts to listen to (the DriftService's `subscribe`). */
  drift?: { subscribe(listener: (alert: DriftAlert) => void): () => void };
  /** The model id whose drift retrains the scorers (the semantic cache's embedder). */
  embedderModel?: string;
  log: Logger;
}

export interface RetrainSchedule {
  /** The current run, if any (tests and shutdown wait on it). */
  idle(): Promise<void>;
  stop(): void;
}

export function scheduleRetraining(training: CacheTraining, o: RetrainScheduleOptions): RetrainSchedule {
  let running: Promise<void> | undefined;
  const run = (why: "schedule" | "drift", step: () => Promise<Map<string, RetrainResult>>): void => {
    if (running) {
      o.log.log("debug", "cache_training.skipped", { why, reason: "a retrain is still running" });
      return;
    }
    running = step()
      .then((results) => {
        for (const [tenant, r] of results) {
          o.log.log("info", "cache_training.retrained", {
            why,
            tenant,
            promoted: r.promoted,
            ...(r.promoted ? { version: r.model.version } : { kept: r.kept, reason: r.reason }),
          });
        }
      })
      .catch((error: unknown) => o.log.log("error", "cache_training.failed", { why, error: String(error) }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = o.everyMs > 0 ? setInterval(() => run("schedule", () => training.runDue()), o.everyMs) : undefined;
  // Node: the schedule alone must not keep the process alive (workerd timers have no unref).
  (timer as { unref?: () => void } | undefined)?.unref?.();
  const unsubscribe = o.drift?.subscribe((alert) => {
    if (o.embedderModel === undefined || alert.model !== o.embedderModel) {
      return;
    }
    run("drift", async () => {
      const out = new Map<string, RetrainResult>();
      for (const tenant of training.tenantsWithData()) {
        out.set(tenant, await training.onDrift(tenant));
      }
      return out;
    });
  });
  return {
    idle: async () => {
      await running;
    },
    stop: () => {
      clearInterval(timer);
      unsubscribe?.();
    },
  };
}
