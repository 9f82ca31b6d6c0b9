/**
 * @module
 * The live sketch an edge keeps per model version and time window: the reference profile's
 * histograms, counted over live traffic. Recording is a binary search and an increment per value,
 * a few hundred nanoseconds per request; the wire form is counts only (the edges are the profile's,
 * known to the control plane), so it is small and never holds an input.
 */
import { z } from "zod";
import type { Histogram } from "./histogram.ts";
import { emptyLike, record } from "./histogram.ts";
import type { Observation, ReferenceProfile } from "./profile.ts";

/** What a PoP ships per model version and window (the optional `sketches` of its sync report). */
export const SketchReportSchema = z.object({
  model: z.string().max(64),
  version: z.string().max(64),
  /** Window start, epoch milliseconds; windows are `window_ms` long. */
  window_start: z.number().int().nonnegative(),
  window_ms: z.number().int().positive(),
  requests: z.number().int().nonnegative(),
  /** Counts per statistic, aligned with the profile's bins. */
  counts: z.record(z.string().max(64), z.array(z.number().int().nonnegative()).max(65)),
});
export type SketchReport = z.infer<typeof SketchReportSchema>;

export class LiveSketch {
  requests = 0;
  readonly histograms: Record<string, Histogram> = {};

  constructor(profile: ReferenceProfile) {
    for (const [name, h] of Object.entries(profile.statistics)) {
      this.histograms[name] = emptyLike(h.edges);
    }
  }

  observe(observation: Observation): void {
    this.requests++;
    for (const name in observation) {
      const h = this.histograms[name];
      const value = observation[name];
      if (!h || value === undefined) {
        continue; // a statistic the reference did not profile cannot drift against it
      }
      if (typeof value === "number") {
        record(h, value);
      } else {
        for (const v of value) {
          record(h, v);
        }
      }
    }
  }

  report(model: string, version: string, windowStart: number, windowMs: number): SketchReport {
    const counts: Record<string, number[]> = {};
    for (const [name, h] of Object.entries(this.histograms)) {
      counts[name] = [...h.counts];
    }
    return { model, version, window_start: windowStart, window_ms: windowMs, requests: this.requests, counts };
  }
}

/** Rebuilds histograms from reports (any PoPs, any windows) by adding their counts. */
export function mergeReports(
  profile: ReferenceProfile,
  reports: readonly SketchReport[],
): {
  requests: number;
  histograms: Record<string, Histogram>;
} {
  const histograms: Record<string, Histogram> = {};
  for (const [name, h] of Object.entries(profile.statistics)) {
    histograms[name] = emptyLike(h.edges);
  }
  let requests = 0;
  for (const r of reports) {
    requests += r.requests;
    for (const [name, counts] of Object.entries(r.counts)) {
      const h = histograms[name];
      if (h && counts.length === h.counts.length) {
        counts.forEach((c, i) => {
          h.counts[i] = (h.counts[i] ?? 0) + c;
        });
      }
    }
  }
  return { requests, histograms };
}
