/**
 * @module
 * The control plane's drift monitoring: takes the sketches in each PoP report, judges them per
 * model version, per PoP and fleet-wide against the version's signed reference profile (one
 * DriftMonitor per version), and turns every alert into an event for feed subscribers, an audit
 * line and an HMAC-signed, retried webhook call. It also answers the rollout gate: a canary whose
 * fleet drift score is at or over its threshold is a breach, like error rate and latency.
 */
import type { Auditor } from "../../shared/audit.ts";
import type { Logger } from "../../shared/log.ts";
import type { DriftAlert, DriftPoint } from "../../shared/monitoring/drift-monitor.ts";
import { DriftMonitor } from "../../shared/monitoring/drift-monitor.ts";
import { deliverWebhook } from "../../shared/monitoring/webhook.ts";
import { type ArmOutcomes, wilson } from "../../shared/monitoring/experiment.ts";
import type { PopReport } from "../../shared/sync/protocol.ts";
import type { ProfileLookup } from "./registry-profiles.ts";

export interface DriftServiceOptions {
  profiles: ProfileLookup;
  log: Logger;
  auditor?: Auditor;
  webhook?: { url: string; secret: string; attempts?: number; backoffMs?: number };
  /** Windows merged into one sliding window (default 4). */
  windows?: number;
}

const MAX_ALERTS = 1000;

/** Outcome accuracy of one model version: good of total, with its Wilson 95% interval. */
export interface VersionAccuracy {
  model: string;
  version: string;
  good: number;
  total: number;
  rate: number;
  low: number;
  high: number;
}

export class DriftService {
  readonly alerts: DriftAlert[] = [];
  private readonly monitors = new Map<string, DriftMonitor>();
  /** Outcome feedback per model version, fleet-wide, since this process started. */
  private readonly outcomes = new Map<string, ArmOutcomes>();
  private readonly listeners = new Set<(alert: DriftAlert) => void>();
  /** Webhook deliveries in flight (tests and shutdown wait for them). */
  readonly deliveries = new Set<Promise<void>>();

  private readonly o: DriftServiceOptions;

  constructor(options: DriftServiceOptions) {
    this.o = options;
  }

  async ingest(report: PopReport): Promise<DriftAlert[]> {
    for (const o of report.outcomes ?? []) {
      const key = `${o.model}@${o.version}`;
      const t = this.outcomes.get(key) ?? { good: 0, total: 0 };
      this.outcomes.set(key, { good: t.good + o.good, total: t.total + o.total });
    }
    const raised: DriftAlert[] = [];
    for (const sketch of report.sketches ?? []) {
      const monitor = await this.monitorOf(sketch.model, sketch.version);
      if (!monitor) {
        continue; // a version published without a reference profile is not monitored
      }
      raised.push(...monitor.ingest(report.pop, sketch));
    }
    for (const alert of raised) {
      this.announce(alert);
    }
    return raised;
  }

  subscribe(listener: (alert: DriftAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The rollout gate's drift check: why a version breaches it fleet-wide, or undefined. */
  breach(model: string, version: string, threshold?: number): string | undefined {
    const monitor = this.monitors.get(`${model}@${version}`);
    const d = monitor?.score("fleet");
    const bar = threshold ?? monitor?.threshold.alert_at;
    if (!d || d.score === null || bar === undefined || d.score < bar) {
      return undefined;
    }
    return `drift ${d.score.toFixed(2)} (${d.worst}) ≥ ${bar}`;
  }

  /** The latest fleet-wide drift score of a version; null when it is not monitored or has too few samples yet. */
  score(model: string, version: string): number | null {
    return this.monitors.get(`${model}@${version}`)?.score("fleet")?.score ?? null;
  }

  /** Outcome accuracy per model version with its Wilson 95% interval. */
  accuracy(): VersionAccuracy[] {
    return [...this.outcomes].map(([key, t]) => {
      const at = key.lastIndexOf("@");
      return { model: key.slice(0, at), version: key.slice(at + 1), ...t, ...wilson(t) };
    });
  }

  /** Drift over time per version and scope, for the monitoring page. */
  history(): { model: string; version: string; threshold: number; points: DriftPoint[] }[] {
    return [...this.monitors].map(([key, m]) => {
      const at = key.lastIndexOf("@");
      return {
        model: key.slice(0, at),
        version: key.slice(at + 1),
        threshold: m.threshold.alert_at,
        points: m.history,
      };
    });
  }

  private async monitorOf(model: string, version: string): Promise<DriftMonitor | undefined> {
    const key = `${model}@${version}`;
    const existing = this.monitors.get(key);
    if (existing) {
      return existing;
    }
    const settings = await this.o.profiles(model, version);
    if (!settings) {
      return undefined;
    }
    const monitor = this.monitors.get(key) ?? new DriftMonitor(settings.profile, settings.drift, this.o.windows ?? 4);
    this.monitors.set(key, monitor);
    return monitor;
  }

  private announce(alert: DriftAlert): void {
    this.alerts.push(alert);
    if (this.alerts.length > MAX_ALERTS) {
      this.alerts.shift();
    }
    this.o.log.log("warn", "drift.alert", { ...alert });
    for (const listener of this.listeners) {
      listener(alert);
    }
    void this.o.auditor?.record({
      actor: "control-plane",
      action: "drift.alert",
      target: `${alert.model}@${alert.version}`,
      from: alert.scope,
      outcome: "ok",
      details: { score: Number(alert.score.toFixed(4)), statistic: alert.statistic, requests: alert.requests },
    });
    const hook = this.o.webhook;
    if (hook) {
      const delivery = deliverWebhook(alert, hook)
        .then(() => undefined)
        .catch((error: unknown) => this.o.log.log("error", "drift.webhook_failed", { error: String(error) }))
        .finally(() => this.deliveries.delete(delivery));
      this.deliveries.add(delivery);
    }
  }
}
