/**
 * @module
 * Drift of live traffic against the reference profile, per statistic and combined.
 *
 * Per statistic (both histograms share the reference's bins):
 * - PSI, the population stability index: Σ (p−q)·ln(p/q), with 0.5-count smoothing so an empty bin
 *   does not make it infinite. The industry reading: < 0.1 stable, 0.1–0.25 moderate, > 0.25 shifted.
 * - JS, the Jensen–Shannon divergence in bits, bounded in [0, 1].
 * - KS, the largest gap between the two binned cumulative distributions, in [0, 1].
 *
 * Combined score (what thresholds and alerts use): the largest PSI over the statistics. One drifted
 * statistic is enough to mean the traffic changed; averaging would let many stable statistics hide it.
 * A window with fewer than `minSamples` requests gives no score (small samples are noise, not drift).
 */
import { z } from "zod";
import type { Histogram } from "./histogram.ts";
import { total } from "./histogram.ts";

export interface StatisticDrift {
  psi: number;
  js: number;
  ks: number;
  samples: number;
}

export interface DriftReport {
  /** max PSI over the statistics; null when the window is too small to judge. */
  score: number | null;
  /** The statistic that gave the score. */
  worst: string | null;
  samples: number;
  statistics: Record<string, StatisticDrift>;
}

export const DriftThresholdSchema = z.object({
  /** Combined score at or above which an alert fires (PSI 0.25 is the customary "shifted"). */
  alert_at: z.number().positive().max(100).default(0.25),
  /** Requests a window needs before it is judged. */
  min_samples: z.number().int().positive().max(1_000_000).default(200),
});
export type DriftThreshold = z.infer<typeof DriftThresholdSchema>;

function probabilities(h: Histogram, smoothing: number): number[] {
  const n = total(h) + smoothing * h.counts.length;
  return h.counts.map((c) => (c + smoothing) / n);
}

export function statisticDrift(reference: Histogram, live: Histogram): StatisticDrift {
  const p = probabilities(reference, 0.5);
  const q = probabilities(live, 0.5);
  let psi = 0;
  let js = 0;
  let cp = 0;
  let cq = 0;
  let ks = 0;
  p.forEach((pi, i) => {
    const qi = q[i] ?? 0;
    psi += (qi - pi) * Math.log(qi / pi);
    const m = (pi + qi) / 2;
    js += 0.5 * pi * Math.log2(pi / m) + 0.5 * qi * Math.log2(qi / m);
  });
  // KS on the raw (unsmoothed) shares.
  const rp = total(reference) || 1;
  const rq = total(live) || 1;
  reference.counts.forEach((c, i) => {
    cp += c / rp;
    cq += (live.counts[i] ?? 0) / rq;
    ks = Math.max(ks, Math.abs(cp - cq));
  });
  return { psi, js, ks, samples: total(live) };
}

export function drift(
  reference: Record<string, Histogram>,
  live: Record<string, Histogram>,
  samples: number,
  minSamples: number,
): DriftReport {
  const statistics: Record<string, StatisticDrift> = {};
  let score: number | null = null;
  let worst: string | null = null;
  for (const [name, ref] of Object.entries(reference)) {
    const l = live[name];
    if (!l || total(l) === 0) {
      continue;
    }
    const d = statisticDrift(ref, l);
    statistics[name] = d;
    if (samples >= minSamples && (score === null || d.psi > score)) {
      score = d.psi;
      worst = name;
    }
  }
  return { score, worst, samples, statistics };
}
