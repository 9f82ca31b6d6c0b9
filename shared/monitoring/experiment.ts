/**
 * @module
 * A/B experiments between two versions of one model: which arm a user gets (a stable hash, so a
 * user stays on one arm on every PoP without shared state), and the per-arm statistics the
 * control plane reports — outcome accuracy with a Wilson 95% interval, and a two-proportion z-test
 * that says when the difference between the arms is significant.
 */
import { z } from "zod";
import { SemverSchema, ModelIdSchema } from "../manifest/model-manifest.ts";

export const ExperimentSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  model: ModelIdSchema,
  /** Arm A (the control) and arm B (the candidate). */
  control: SemverSchema,
  candidate: SemverSchema,
  /** Share of users sent to the candidate, in percent. */
  percent: z.number().min(0).max(100),
  /** Hash the end-user id when the request has one, else the tenant. */
  split_by: z.enum(["user", "tenant"]).default("user"),
});
export type Experiment = z.infer<typeof ExperimentSchema>;

/** FNV-1a 32-bit: tiny, fast, identical in every runtime, well spread for short ids. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The arm of one user: the experiment id salts the hash so experiments split independently. */
export function armOf(experiment: Experiment, unitId: string): "control" | "candidate" {
  const bucket = fnv1a(`${experiment.id}\u0000${unitId}`) % 10_000;
  return bucket < experiment.percent * 100 ? "candidate" : "control";
}

export interface ArmOutcomes {
  /** Outcomes reported with a positive verdict (label matched, score above the bar). */
  good: number;
  total: number;
}

/** Wilson score interval: honest near 0 and 1 and at small counts, unlike the normal approximation. */
export function wilson(arm: ArmOutcomes, z95 = 1.959964): { rate: number; low: number; high: number } {
  if (arm.total === 0) {
    return { rate: 0, low: 0, high: 1 };
  }
  const p = arm.good / arm.total;
  const n = arm.total;
  const denom = 1 + (z95 * z95) / n;
  const centre = (p + (z95 * z95) / (2 * n)) / denom;
  const half = (z95 * Math.sqrt((p * (1 - p)) / n + (z95 * z95) / (4 * n * n))) / denom;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; error < 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export interface Comparison {
  /** candidate rate − control rate. */
  difference: number;
  z: number;
  /** Two-sided p-value of the pooled two-proportion z-test. */
  p_value: number;
  significant: boolean;
  better: "control" | "candidate" | null;
}

export function compareArms(control: ArmOutcomes, candidate: ArmOutcomes, alpha = 0.05): Comparison {
  const n1 = control.total;
  const n2 = candidate.total;
  if (n1 === 0 || n2 === 0) {
    return { difference: 0, z: 0, p_value: 1, significant: false, better: null };
  }
  const p1 = control.good / n1;
  const p2 = candidate.good / n2;
  const pooled = (control.good + candidate.good) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const score = se === 0 ? 0 : (p2 - p1) / se;
  const pValue = 2 * (1 - normalCdf(Math.abs(score)));
  const significant = pValue < alpha;
  return {
    difference: p2 - p1,
    z: score,
    p_value: pValue,
    significant,
    better: significant ? (p2 > p1 ? "candidate" : "control") : null,
  };
}
