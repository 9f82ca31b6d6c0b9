/**
 * @module
 * Runs a scorer model on one semantic candidate: denied pair → reject; features → logistic
 * probability; a verifier rejection vetoes when the model says so; accept when the probability
 * reaches the calibrated threshold. About a microsecond of arithmetic on top of the verifier's
 * analysis (which the rule verifier memoises for texts it has seen).
 */
import { RuleVerifier } from "../verifier/rule-verifier.ts";
import { pairHash } from "./pair-hash.ts";
import { featuresOf, type Lexical, lexicalOf } from "./scorer-features.ts";
import { RecentMemo } from "../recent-memo.ts";
import type { ScorerModel } from "./scorer-model.ts";

export type ScorerVerdict =
  | { readonly ok: true; readonly score: number; readonly features: number[] }
  | { readonly ok: false; readonly reason: string; readonly score: number; readonly features: number[] };

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The model's probability for one feature vector (only the model's own features are read). */
export function probability(model: ScorerModel, features: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) {
    z += ((model.weights[i] ?? 0) * ((features[i] ?? 0) - (model.mean[i] ?? 0))) / (model.scale[i] ?? 1);
  }
  return sigmoid(z);
}

export class PairScorer {
  readonly model: ScorerModel;
  private readonly verifier: RuleVerifier;
  private readonly deny: ReadonlySet<string>;
  private readonly lexical: RecentMemo<Lexical>;

  /** `memo`: texts whose lexical sets are kept (default 512, like the verifier's analyses; 0: none). */
  constructor(model: ScorerModel, verifier = new RuleVerifier(), options: { memo?: number } = {}) {
    this.model = model;
    this.verifier = verifier;
    this.deny = new Set(model.deny);
    this.lexical = new RecentMemo(options.memo ?? 512);
  }

  judge(cached: string, incoming: string, cosine: number): ScorerVerdict {
    const comparison = this.verifier.compare(cached, incoming);
    const features = featuresOf(
      cosine,
      this.lexical.get(cached, lexicalOf),
      this.lexical.get(incoming, lexicalOf),
      comparison,
    );
    const score = probability(this.model, features);
    if (this.deny.size > 0 && this.deny.has(pairHash(cached, incoming))) {
      return { ok: false, reason: "feedback", score, features };
    }
    const [finding] = comparison.findings;
    if (this.model.veto && finding !== undefined) {
      return { ok: false, reason: finding.reason, score, features };
    }
    if (score < this.model.threshold) {
      return { ok: false, reason: "scorer", score, features };
    }
    return { ok: true, score, features };
  }
}
