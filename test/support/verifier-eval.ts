/**
 * @module
 * The verifier on the labelled dev pairs, as the `cache` bench reports it: every pair's USE-lite
 * cosine and verifier verdict, then at a threshold the hit rate on paraphrases with and without
 * the verifier, the false-hit rate on non-paraphrases, the hit rate on SICK contradictions, and
 * which rule rejected what. A pair "hits" when its cosine is ≥ the threshold and, with the
 * verifier, the verifier accepts it.
 *
 *   const scores = await scoreDevPairs();                 // embeds (disk-cached) and verifies
 *   const threshold = calibrateThreshold(scores);         // ≤ 1 % false hits without the verifier
 *   const at = evaluateAt(scores, threshold);             // the figures at that threshold
 *   const latency = verifierLatency(new RuleVerifier({ memo: 0 }), pairs);
 */
import {
  REJECT_REASONS,
  type PairVerifier,
  type RejectReason,
  type VerifierVerdict,
} from "../../shared/cache/verifier/verifier.ts";
import { RuleVerifier } from "../../shared/cache/verifier/rule-verifier.ts";
import { loadCacheDevPairs, type LabelledPair } from "./cache-dev-pairs.ts";
import { quantile } from "../../shared/stats/quantile.ts";
import { dot, useLiteEmbedder, type TextEmbedder } from "../../cli/models/use-lite-embedder.ts";

export interface PairScore {
  readonly pair: LabelledPair;
  readonly cosine: number;
  readonly verdict: VerifierVerdict;
}

export interface ScoreOptions {
  readonly pairs?: readonly LabelledPair[];
  /** Default: the rule verifier. Its `verify` may be async (a model verifier). */
  readonly verifier?: PairVerifier;
  /** Default: USE-lite int8 on onnxruntime-node with vectors cached under `.edgefleet/cache/`. */
  readonly embedder?: TextEmbedder;
}

/** Cosine and verdict for each pair; the verifier sees the first text as the cached one. */
export async function scoreDevPairs(options: ScoreOptions = {}): Promise<PairScore[]> {
  const pairs = options.pairs ?? loadCacheDevPairs();
  const verifier = options.verifier ?? new RuleVerifier();
  const embedder = options.embedder ?? (await useLiteEmbedder());
  const texts = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const vectors = await embedder.embed(texts);
  const byText = new Map(texts.map((t, i) => [t, vectors[i] ?? new Float32Array(embedder.dimensions)]));
  const scores: PairScore[] = [];
  for (const pair of pairs) {
    const a = byText.get(pair.a) ?? new Float32Array(embedder.dimensions);
    const b = byText.get(pair.b) ?? new Float32Array(embedder.dimensions);
    scores.push({ pair, cosine: dot(a, b), verdict: await verifier.verify(pair.a, pair.b) });
  }
  return scores;
}

const isNegative = (s: PairScore) => s.pair.label !== "paraphrase";

/**
 * The lowest threshold at which at most `maxFalseHitRate` of the negative pairs (non-paraphrases
 * and contradictions, pooled) hit: without the verifier by default (the cache's own calibration),
 * or with it (`verified`: how far the verifier lets the threshold come down).
 */
export function calibrateThreshold(
  scores: readonly PairScore[],
  maxFalseHitRate = 0.01,
  options: { verified?: boolean } = {},
): number {
  const total = scores.filter(isNegative).length;
  const negatives = scores
    .filter((s) => isNegative(s) && (!options.verified || s.verdict.ok))
    .map((s) => s.cosine)
    .toSorted((x, y) => y - x);
  // The rate is over all negatives: pairs the verifier rejects count as misses, not as absent.
  const allowed = Math.floor(total * maxFalseHitRate);
  // Just above the (allowed + 1)-th highest negative: that one and all below it miss.
  const boundary = negatives[allowed] ?? -1;
  return Math.min(1, boundary + 1e-6);
}

export interface Rates {
  readonly pairs: number;
  /** Share of pairs above the threshold (verifier not asked). */
  readonly unverified: number;
  /** Share of pairs above the threshold that the verifier also accepts. */
  readonly verified: number;
}

export interface VerifierEvaluation {
  readonly threshold: number;
  readonly paraphrase: Rates;
  /** Non-paraphrases: MRPC 0, STS-B ≤ 2.5, SICK NEUTRAL ≤ 3.0. */
  readonly different: Rates;
  /** SICK CONTRADICTION, every one. */
  readonly contradiction: Rates;
  /** `different` and `contradiction` together. */
  readonly negatives: Rates;
  /** Per source (mrpc, stsb, sick) and label. */
  readonly bySource: Record<string, Rates>;
  /** Above the threshold: how many pairs each reason rejected, by label. */
  readonly rejected: Record<"paraphrase" | "negative", Record<RejectReason, number>>;
}

function rates(scores: readonly PairScore[], threshold: number): Rates {
  const above = scores.filter((s) => s.cosine >= threshold);
  const n = Math.max(scores.length, 1);
  return {
    pairs: scores.length,
    unverified: above.length / n,
    verified: above.filter((s) => s.verdict.ok).length / n,
  };
}

function emptyReasons(): Record<RejectReason, number> {
  return Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
}

export function evaluateAt(scores: readonly PairScore[], threshold: number): VerifierEvaluation {
  const by = (label: LabelledPair["label"]) => scores.filter((s) => s.pair.label === label);
  const bySource: Record<string, Rates> = {};
  for (const source of ["mrpc", "stsb", "sick"] as const) {
    for (const label of ["paraphrase", "different", "contradiction"] as const) {
      const subset = scores.filter((s) => s.pair.source === source && s.pair.label === label);
      if (subset.length > 0) {
        bySource[`${source}.${label}`] = rates(subset, threshold);
      }
    }
  }
  const rejected = { paraphrase: emptyReasons(), negative: emptyReasons() };
  for (const s of scores) {
    if (s.cosine >= threshold && !s.verdict.ok) {
      rejected[isNegative(s) ? "negative" : "paraphrase"][s.verdict.reason]++;
    }
  }
  return {
    threshold,
    paraphrase: rates(by("paraphrase"), threshold),
    different: rates(by("different"), threshold),
    contradiction: rates(by("contradiction"), threshold),
    negatives: rates(scores.filter(isNegative), threshold),
    bySource,
    rejected,
  };
}

/** The figures at several thresholds: the curve a bench prints beside its default. */
export function verifierCurve(scores: readonly PairScore[], thresholds: readonly number[]): VerifierEvaluation[] {
  return thresholds.map((t) => evaluateAt(scores, t));
}

export interface Latency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly pairs: number;
}

/**
 * Time per `verify` call on real pairs. Pass a verifier without a memo to time a cold analysis
 * of both texts (the cache's worst case; with the memo the cached side is analysed once).
 */
export function verifierLatency(
  verifier: { verify(cached: string, incoming: string): VerifierVerdict },
  pairs: readonly Pick<LabelledPair, "a" | "b">[],
  rounds = 3,
): Latency {
  const samples: number[] = [];
  // One untimed pass lets the JIT settle, as it has in a warm isolate.
  for (const p of pairs.slice(0, 500)) {
    verifier.verify(p.a, p.b);
  }
  for (let r = 0; r < rounds; r++) {
    for (const p of pairs) {
      const started = performance.now();
      verifier.verify(p.a, p.b);
      samples.push(performance.now() - started);
    }
  }
  return { p50Ms: quantile(samples, 0.5), p99Ms: quantile(samples, 0.99), pairs: pairs.length };
}

/** The `cache` bench's verifier metrics (names as in docs/verifier.md), at `threshold`. */
export function verifierMetrics(at: VerifierEvaluation, latency: Latency): Record<string, number> {
  return {
    "cache.paraphrase_hit_rate": at.paraphrase.verified,
    "cache.paraphrase_hit_rate_unverified": at.paraphrase.unverified,
    "cache.false_hit_rate": at.negatives.verified,
    "cache.contradiction_hit_rate": at.contradiction.verified,
    "cache.verifier_p50_ms": latency.p50Ms,
  };
}
