/**
 * @module
 * Training a tenant's scorer end to end: k-fold out-of-fold probabilities → the threshold for
 * the false-hit budget (upper confidence bound) → the final fit on every pair → a scorer model
 * whose version is the hash of its content. Used by `edgefleet cache tune` (Node) and by the
 * control plane's retraining loop; runtime-neutral.
 */
import { chooseThreshold, outOfFold, type GateOptions } from "./calibrate.ts";
import { SCORER_FEATURES } from "./scorer-features.ts";
import { SCORER_FORMAT, type ScorerModel } from "./scorer-model.ts";
import { scorerVersion } from "./scorer-version.ts";
import { fitLogistic, type Example, type FitOptions } from "./train-logistic.ts";

export interface TuneOptions extends GateOptions {
  /** False-hit budget (default 0.01). */
  readonly targetFalseHits?: number;
  /** Folds for calibration (default 5). */
  readonly folds?: number;
  readonly fit?: FitOptions;
  readonly tenant?: string;
  /** Pair hashes feedback marked wrong. */
  readonly deny?: readonly string[];
  /** Called after each of the folds + 1 fits, with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly now?: Date;
}

/** The fewest pairs of each class worth training on: below it, k-fold calibration says nothing. */
export const MIN_PER_CLASS = 20;

export class TuneError extends Error {}

export async function tuneScorer(examples: readonly Example[], options: TuneOptions = {}): Promise<ScorerModel> {
  const positives = examples.filter((e) => e.label === 1).length;
  const negatives = examples.length - positives;
  if (positives < MIN_PER_CLASS || negatives < MIN_PER_CLASS) {
    throw new TuneError(
      `need at least ${MIN_PER_CLASS} pairs of each label to tune (have ${positives} should-hit, ${negatives} must-not-hit)`,
    );
  }
  const k = options.folds ?? 5;
  const target = options.targetFalseHits ?? 0.01;
  const gate = { candidateFloor: options.candidateFloor ?? 0.6, veto: options.veto ?? true };
  const total = k + 1;
  const scored = outOfFold(examples, k, options.fit, (done) => options.onProgress?.(done, total));
  const { threshold, calibration } = chooseThreshold(scored, target, gate);
  const fit = fitLogistic(examples, options.fit);
  options.onProgress?.(total, total);
  const body = {
    format: SCORER_FORMAT,
    ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
    features: SCORER_FEATURES.slice(0, fit.weights.length),
    mean: fit.mean,
    scale: fit.scale,
    weights: fit.weights,
    bias: fit.bias,
    threshold,
    candidate_floor: gate.candidateFloor,
    veto: gate.veto,
    deny: [...new Set(options.deny ?? [])].toSorted(),
    calibration: { ...calibration, folds: k },
    trained_at: (options.now ?? new Date()).toISOString(),
  };
  return { ...body, version: await scorerVersion(body) };
}
