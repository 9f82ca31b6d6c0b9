/**
 * @module
 * The tuned pair scorer on the labelled dev pairs, as the `cache` bench reports it, measured by
 * k-fold cross-validation: for each fold, `tuneScorer` trains and calibrates (its own inner
 * folds) on the other k−1 folds only, and the held-out fold is scored once with the result.
 * Hits and false hits are pooled over the held-out folds, so no pair is ever judged by a scorer
 * that saw it. Evaluation only: these pairs never train a scorer that ships.
 */
import { foldsOf, evaluateModel } from "../../shared/cache/scorer/calibrate.ts";
import { PairScorer, probability } from "../../shared/cache/scorer/pair-scorer.ts";
import { scorerFeatures } from "../../shared/cache/scorer/scorer-features.ts";
import type { ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";
import type { Example } from "../../shared/cache/scorer/train-logistic.ts";
import { tuneScorer } from "../../shared/cache/scorer/tune.ts";
import { RuleVerifier } from "../../shared/cache/verifier/rule-verifier.ts";
import { quantile } from "./stats.ts";
import type { PairScore } from "../../test/support/verifier-eval.ts";

export function examplesOf(scores: readonly PairScore[]): Example[] {
  const verifier = new RuleVerifier({ memo: 0 });
  return scores.map((s) => ({
    features: scorerFeatures(s.cosine, s.pair.a, s.pair.b, verifier.compare(s.pair.a, s.pair.b)),
    label: s.pair.label === "paraphrase" ? 1 : 0,
  }));
}

export interface CrossValidated {
  readonly folds: number;
  readonly hitRate: number;
  readonly falseHitRate: number;
  readonly contradictionHitRate: number;
  /** Per outer fold: the threshold and the calibration's expected hit rate. */
  readonly models: readonly ScorerModel[];
  /** Wall time of one `tuneScorer` on k−1 folds (median over folds). */
  readonly tuneMs: number;
}

export async function crossValidateScorer(
  scores: readonly PairScore[],
  options: { folds?: number; targetFalseHits?: number; onFold?: (done: number, total: number) => void } = {},
): Promise<CrossValidated> {
  const k = options.folds ?? 5;
  const examples = examplesOf(scores);
  const fold = foldsOf(examples.length, k, 0x9e3779b9);
  let hits = 0;
  let falseHits = 0;
  let contradictionHits = 0;
  const pos = examples.filter((e) => e.label === 1).length;
  const neg = examples.length - pos;
  const contradictions = scores.filter((s) => s.pair.label === "contradiction").length;
  const models: ScorerModel[] = [];
  const tuneMs: number[] = [];
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => fold[i] !== f);
    const started = performance.now();
    const model = await tuneScorer(train, { targetFalseHits: options.targetFalseHits ?? 0.01 });
    tuneMs.push(performance.now() - started);
    models.push(model);
    examples.forEach((e, i) => {
      if (fold[i] !== f) {
        return;
      }
      const hit = evaluateModel(model, [e]);
      if (e.label === 1) {
        hits += hit.hitRate;
      } else {
        falseHits += hit.falseHitRate;
        if (scores[i]?.pair.label === "contradiction") {
          contradictionHits += hit.falseHitRate;
        }
      }
    });
    options.onFold?.(f + 1, k);
  }
  return {
    folds: k,
    hitRate: hits / Math.max(pos, 1),
    falseHitRate: falseHits / Math.max(neg, 1),
    contradictionHitRate: contradictionHits / Math.max(contradictions, 1),
    models,
    tuneMs: quantile(tuneMs, 0.5),
  };
}

/**
 * Time per candidate of the whole scorer (verifier analysis, lexical sets, features, model) on
 * real pairs, two ways: `warm` — the cached request's text was read before (the partition's
 * scorer keeps recent texts, and a cached entry is compared again and again), the incoming one
 * is new, as on a lookup in a cache that is being hit; `cold` — nothing kept, both texts read.
 */
export function scorerLatency(
  model: ScorerModel,
  scores: readonly PairScore[],
  rounds = 3,
): { warm: number; cold: number } {
  const cold = new PairScorer(model, new RuleVerifier({ memo: 0 }), { memo: 0 });
  const warm = new PairScorer(model);
  for (const s of scores.slice(0, 500)) {
    cold.judge(s.pair.a, s.pair.b, s.cosine);
  }
  const coldSamples: number[] = [];
  const warmSamples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const s of scores) {
      let started = performance.now();
      cold.judge(s.pair.a, s.pair.b, s.cosine);
      coldSamples.push(performance.now() - started);
      // Untimed: the cached side is read once, as when the entry met an earlier request.
      warm.judge(s.pair.a, s.pair.a, 1);
      started = performance.now();
      warm.judge(s.pair.a, s.pair.b, s.cosine);
      warmSamples.push(performance.now() - started);
    }
  }
  return { warm: quantile(warmSamples, 0.5), cold: quantile(coldSamples, 0.5) };
}

/**
 * What the scorer adds to the verifier's comparison (which the untuned cache already pays): the
 * lexical features and the model, per candidate, with the comparison computed beforehand.
 */
export function scorerOverhead(model: ScorerModel, scores: readonly PairScore[]): number {
  const verifier = new RuleVerifier({ memo: 0 });
  const compared = scores.map((s) => ({ s, c: verifier.compare(s.pair.a, s.pair.b) }));
  const samples: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (const { s, c } of compared) {
      const started = performance.now();
      probability(model, scorerFeatures(s.cosine, s.pair.a, s.pair.b, c));
      samples.push(performance.now() - started);
    }
  }
  return quantile(samples, 0.5);
}
