/**
 * @module
 * One tenant's retraining step: the operator's labelled pairs plus the feedback from that
 * tenant's own traffic (a semantic hit marked wrong is a hard negative, weighted and denied
 * outright; a confirmed answer is a positive), 80 % to tune a candidate, 20 % held out. The
 * candidate is promoted only when, on the held-out pairs, its false-hit rate stays at or below
 * the target and it refuses every hard negative; otherwise the current scorer stays and the
 * result says why. Never mixes tenants: the caller hands in one tenant's data.
 */
import { evaluateModel, foldsOf } from "../../shared/cache/scorer/calibrate.ts";
import { PairScorer } from "../../shared/cache/scorer/pair-scorer.ts";
import type { ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";
import type { FeedbackExample } from "../../shared/cache/scorer/feedback-example.ts";
import type { Example } from "../../shared/cache/scorer/train-logistic.ts";
import { TuneError, tuneScorer, type TuneOptions } from "../../shared/cache/scorer/tune.ts";

export interface RetrainInput {
  readonly tenant: string;
  readonly current: ScorerModel;
  readonly pairs: readonly Example[];
  readonly feedback: readonly FeedbackExample[];
  readonly targetFalseHits: number;
  /** How much a hard negative from feedback weighs against an operator pair (default 5). */
  readonly hardNegativeWeight?: number;
  /** The tuner (tests inject a bad one to prove the gate). */
  readonly tune?: (examples: readonly Example[], options: TuneOptions) => Promise<ScorerModel>;
}

export type RetrainResult =
  | { promoted: true; model: ScorerModel; previous: string; heldOut: HeldOut }
  | { promoted: false; kept: string; reason: string; heldOut?: HeldOut };

export interface HeldOut {
  readonly pairs: number;
  readonly hitRate: number;
  readonly falseHitRate: number;
}

export async function retrainTenant(input: RetrainInput): Promise<RetrainResult> {
  const weight = input.hardNegativeWeight ?? 5;
  const fromFeedback: Example[] = input.feedback.map((f) => ({
    features: f.features,
    label: f.label,
    ...(f.label === 0 ? { weight } : {}),
  }));
  const all = [...input.pairs, ...fromFeedback];
  const fold = foldsOf(all.length, 5, 0x51ed270b);
  const train = all.filter((_, i) => fold[i] !== 0);
  const held = all.filter((_, i) => fold[i] === 0);
  const deny = input.feedback.filter((f) => f.label === 0).map((f) => f.pair);
  let candidate: ScorerModel;
  try {
    candidate = await (input.tune ?? tuneScorer)(train, {
      targetFalseHits: input.targetFalseHits,
      tenant: input.tenant,
      deny,
    });
  } catch (error) {
    if (error instanceof TuneError) {
      return { promoted: false, kept: input.current.version, reason: error.message };
    }
    throw error;
  }
  const rates = evaluateModel(candidate, held);
  const heldOut = { pairs: held.length, hitRate: rates.hitRate, falseHitRate: rates.falseHitRate };
  if (rates.falseHitRate > input.targetFalseHits) {
    return {
      promoted: false,
      kept: input.current.version,
      reason: `candidate ${candidate.version} would raise held-out false hits to ${pct(rates.falseHitRate)} (target ≤ ${pct(input.targetFalseHits)})`,
      heldOut,
    };
  }
  const scorer = new PairScorer(candidate);
  const leak = input.feedback.find((f) => f.label === 0 && scorer.judge(f.cached, f.incoming, f.features[0] ?? 0).ok);
  if (leak !== undefined) {
    return {
      promoted: false,
      kept: input.current.version,
      reason: `candidate ${candidate.version} still hits a pair feedback marked wrong`,
      heldOut,
    };
  }
  return { promoted: true, model: candidate, previous: input.current.version, heldOut };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
