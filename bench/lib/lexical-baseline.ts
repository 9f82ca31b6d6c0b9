/**
 * The two baselines a semantic cache must beat, on the same labelled pairs: an exact-match
 * cache (the texts must be identical once case and spacing are normalised) and a lexical
 * cache (token Jaccard at the loosest threshold whose false-hit rate is no higher than the
 * semantic cache's).
 */
import { jaccardOf } from "../../shared/cache/scorer/scorer-features.ts";
import type { LabelledPair } from "../../test/support/cache-dev-pairs.ts";

const normalise = (t: string) => t.toLowerCase().replace(/\s+/g, " ").trim();
const tokens = (t: string) => new Set(normalise(t).match(/[\p{L}\p{N}]+/gu) ?? []);

export function jaccard(a: string, b: string): number {
  return jaccardOf(tokens(a), tokens(b));
}

export interface BaselineRates {
  paraphraseHitRate: number;
  falseHitRate: number;
  threshold?: number;
}

const identical = (p: LabelledPair) => normalise(p.a) === normalise(p.b);

export function exactBaseline(pairs: readonly LabelledPair[]): BaselineRates {
  return rates(pairs, identical);
}

export function lexicalBaseline(pairs: readonly LabelledPair[], maxFalseHitRate: number): BaselineRates {
  const scored = pairs.map((p) => ({ p, s: jaccard(p.a, p.b) }));
  const negatives = scored
    .filter((x) => x.p.label !== "paraphrase")
    .map((x) => x.s)
    .toSorted((a, b) => b - a);
  // The loosest threshold that lets at most maxFalseHitRate of the negatives through.
  const allowed = Math.floor(maxFalseHitRate * negatives.length);
  const threshold = (negatives[allowed] ?? 0) + 1e-9;
  return { ...rates(pairs, (p) => jaccard(p.a, p.b) >= threshold), threshold };
}

function rates(pairs: readonly LabelledPair[], hit: (p: LabelledPair) => boolean): BaselineRates {
  const pos = pairs.filter((p) => p.label === "paraphrase");
  const neg = pairs.filter((p) => p.label !== "paraphrase");
  return {
    paraphraseHitRate: pos.filter(hit).length / Math.max(pos.length, 1),
    falseHitRate: neg.filter(hit).length / Math.max(neg.length, 1),
  };
}
