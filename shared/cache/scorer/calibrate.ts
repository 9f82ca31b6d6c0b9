/**
 * @module
 * Choosing the scorer's threshold for a false-hit budget without fooling oneself: every pair is
 * scored by a model that did not see it (k-fold, out-of-fold probabilities), and the threshold
 * is the lowest whose false-hit rate's *upper* confidence bound (one-sided 95 % Wilson) stays
 * within the budget — the point estimate would overspend it on the next traffic. The expected
 * hit rate comes with its 95 % interval.
 */
import { probability } from "./pair-scorer.ts";
import { SCORER_FEATURES } from "./scorer-features.ts";
import { SCORER_FORMAT, type Calibration, type ScorerModel } from "./scorer-model.ts";
import type { Example, FitOptions, LogisticFit } from "./train-logistic.ts";
import { fitLogistic, zeros } from "./train-logistic.ts";

const COSINE = SCORER_FEATURES.indexOf("cosine");
const VERIFIER_REJECT = SCORER_FEATURES.indexOf("verifier_reject");

/** Wilson score interval for k successes in n trials at normal quantile z. */
export function wilson(k: number, n: number, z: number): [number, number] {
  if (n === 0) {
    return [0, 1];
  }
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** One-sided 95 % (upper bound) and two-sided 95 % (interval) normal quantiles. */
const Z_ONE_SIDED_95 = 1.6449;
const Z_TWO_SIDED_95 = 1.96;

export interface ScoredExample {
  readonly example: Example;
  /** Out-of-fold probability. */
  readonly p: number;
}

export interface GateOptions {
  /** Candidates below this cosine never hit (default 0.6). */
  readonly candidateFloor?: number;
  /** A verifier rejection vetoes (default true). */
  readonly veto?: boolean;
}

const eligible = (e: Example, gate: Required<GateOptions>) =>
  (e.features[COSINE] ?? -1) >= gate.candidateFloor && !(gate.veto && e.features[VERIFIER_REJECT] === 1);

function gateOf(options: GateOptions): Required<GateOptions> {
  return { candidateFloor: options.candidateFloor ?? 0.6, veto: options.veto ?? true };
}

/** Deterministic fold of each example (a seeded shuffle, then round robin). */
export function foldsOf(n: number, k: number, seed = 0x2545f491): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const fold = zeros(n);
  order.forEach((idx, pos) => {
    fold[idx] = pos % k;
  });
  return fold;
}

export function applyFit(fit: LogisticFit, features: readonly number[]): number {
  return probability(
    {
      format: SCORER_FORMAT,
      version: "fit",
      features: [],
      mean: fit.mean,
      scale: fit.scale,
      weights: fit.weights,
      bias: fit.bias,
      threshold: 0.5,
      candidate_floor: 0,
      veto: false,
      deny: [],
    },
    features,
  );
}

/** Out-of-fold probabilities: each example scored by the model fitted on the other k−1 folds. */
export function outOfFold(
  examples: readonly Example[],
  k: number,
  fit: FitOptions = {},
  onFold?: (done: number) => void,
): ScoredExample[] {
  const fold = foldsOf(examples.length, k);
  const p = zeros(examples.length);
  for (let f = 0; f < k; f++) {
    const model = fitLogistic(
      examples.filter((_, i) => fold[i] !== f),
      fit,
    );
    examples.forEach((e, i) => {
      if (fold[i] === f) {
        p[i] = applyFit(model, e.features);
      }
    });
    onFold?.(f + 1);
  }
  return examples.map((example, i) => ({ example, p: p[i] ?? 0 }));
}

export interface Operating {
  readonly threshold: number;
  readonly calibration: Omit<Calibration, "folds">;
}

/**
 * The lowest threshold whose false-hit upper bound is ≤ `target` on the scored examples. Hard
 * negatives count by their weight, as they do in training. When even the strictest threshold
 * cannot meet the bound (too few negatives to vouch for it), the threshold is 1: nothing hits.
 */
export function chooseThreshold(
  scored: readonly ScoredExample[],
  target: number,
  gateOptions: GateOptions = {},
): Operating {
  const gate = gateOf(gateOptions);
  const negatives = scored.filter((s) => s.example.label === 0);
  const positives = scored.filter((s) => s.example.label === 1);
  const negCount = negatives.reduce((sum, s) => sum + (s.example.weight ?? 1), 0);
  const posCount = positives.length;
  // Walk thresholds from the top down through every eligible score.
  const candidates = scored.filter((s) => eligible(s.example, gate)).toSorted((a, b) => b.p - a.p);
  let best = { threshold: 1, falseHits: 0, hits: 0 };
  let falseHits = 0;
  let hits = 0;
  for (let i = 0; i < candidates.length; i++) {
    const s = candidates[i];
    if (s === undefined) {
      break;
    }
    if (s.example.label === 0) {
      falseHits += s.example.weight ?? 1;
    } else {
      hits += 1;
    }
    // Only a threshold between distinct scores is a real operating point.
    const next = candidates[i + 1];
    if (next !== undefined && next.p === s.p) {
      continue;
    }
    if (wilson(falseHits, negCount, Z_ONE_SIDED_95)[1] > target) {
      break;
    }
    best = { threshold: s.p, falseHits, hits };
  }
  const interval = wilson(best.hits, posCount, Z_TWO_SIDED_95);
  return {
    threshold: best.threshold,
    calibration: {
      target_false_hits: target,
      false_hit_rate: negCount === 0 ? 0 : best.falseHits / negCount,
      false_hit_upper: wilson(best.falseHits, negCount, Z_ONE_SIDED_95)[1],
      hit_rate: posCount === 0 ? 0 : best.hits / posCount,
      hit_rate_interval: interval,
      positives: posCount,
      negatives: negatives.length,
    },
  };
}

/** Hits and false hits of a model at its threshold on examples it did not see. */
export function evaluateModel(
  model: ScorerModel,
  examples: readonly Example[],
): { hitRate: number; falseHitRate: number } {
  const gate = { candidateFloor: model.candidate_floor, veto: model.veto };
  const hit = (e: Example) => eligible(e, gate) && probability(model, e.features) >= model.threshold;
  const pos = examples.filter((e) => e.label === 1);
  const neg = examples.filter((e) => e.label === 0);
  return {
    hitRate: pos.filter(hit).length / Math.max(pos.length, 1),
    falseHitRate: neg.filter(hit).length / Math.max(neg.length, 1),
  };
}
