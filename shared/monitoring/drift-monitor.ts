/**
 * @module
 * The control plane's drift judge for one model version: it keeps the sketch reports PoPs send,
 * merges the last `windows` windows per PoP and across the fleet (a sliding window), scores them
 * against the reference profile and raises an alert when the combined score crosses the model's
 * threshold. An alert fires once per crossing and re-arms only after the score falls below half the
 * threshold, so a window that hovers at the line does not flood the feed.
 */
import type { DriftReport, DriftThreshold } from "./drift.ts";
import { drift } from "./drift.ts";
import type { ReferenceProfile } from "./profile.ts";
import type { SketchReport } from "./sketch.ts";
import { mergeReports } from "./sketch.ts";

/** Points kept for the monitoring page (per version, all scopes together). */
const MAX_HISTORY = 2000;

export interface DriftAlert {
  type: "drift_alert";
  model: string;
  version: string;
  /** A PoP id, or "fleet" for the merge over every PoP. */
  scope: string;
  score: number;
  statistic: string;
  threshold: number;
  requests: number;
  at: number;
}

export interface DriftPoint {
  scope: string;
  window_start: number;
  score: number | null;
  requests: number;
}

export class DriftMonitor {
  private readonly reports = new Map<string, SketchReport[]>();
  private readonly firing = new Set<string>();
  readonly history: DriftPoint[] = [];

  private readonly profile: ReferenceProfile;
  readonly threshold: DriftThreshold;
  private readonly windows: number;

  constructor(profile: ReferenceProfile, threshold: DriftThreshold, windows = 3) {
    this.profile = profile;
    this.threshold = threshold;
    this.windows = windows;
  }

  /** Takes one PoP's report and returns the alerts it raised (per PoP, then fleet-wide). */
  ingest(pop: string, report: SketchReport, now = Date.now()): DriftAlert[] {
    const list = this.reports.get(pop) ?? [];
    list.push(report);
    // Keep only what a sliding window can still use.
    const newest = Math.max(...list.map((r) => r.window_start));
    const horizon = newest - (this.windows - 1) * report.window_ms;
    this.reports.set(
      pop,
      list.filter((r) => r.window_start >= horizon),
    );
    const alerts: DriftAlert[] = [];
    for (const scope of [pop, "fleet"]) {
      const alert = this.judge(scope, report, now);
      if (alert) {
        alerts.push(alert);
      }
    }
    return alerts;
  }

  score(scope: string): DriftReport {
    const reports = this.inScope(scope);
    const merged = mergeReports(this.profile, reports);
    return drift(this.profile.statistics, merged.histograms, merged.requests, this.threshold.min_samples);
  }

  private inScope(scope: string): SketchReport[] {
    if (scope !== "fleet") {
      return this.reports.get(scope) ?? [];
    }
    const all = [...this.reports.values()].flat();
    const newest = Math.max(0, ...all.map((r) => r.window_start));
    return all.filter((r) => r.window_start >= newest - (this.windows - 1) * r.window_ms);
  }

  private judge(scope: string, report: SketchReport, now: number): DriftAlert | undefined {
    const d = this.score(scope);
    this.history.push({ scope, window_start: report.window_start, score: d.score, requests: d.samples });
    if (this.history.length > MAX_HISTORY) {
      this.history.splice(0, this.history.length - MAX_HISTORY);
    }
    if (d.score === null || d.worst === null) {
      return undefined;
    }
    if (d.score < this.threshold.alert_at / 2) {
      this.firing.delete(scope);
    }
    if (d.score < this.threshold.alert_at || this.firing.has(scope)) {
      return undefined;
    }
    this.firing.add(scope);
    return {
      type: "drift_alert",
      model: report.model,
      version: report.version,
      scope,
      score: d.score,
      statistic: d.worst,
      threshold: this.threshold.alert_at,
      requests: d.samples,
      at: now,
    };
  }
}
