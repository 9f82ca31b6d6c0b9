/**
 * @module
 * What the pair scorer reads from one candidate pair (the cached request's text, the incoming
 * one, their embedding cosine): the cosine, two cheap lexical overlaps the embedding misses
 * (word-token Jaccard, character-trigram Jaccard), whether the rule verifier rejects, and every
 * rule signal of `comparePair` (negation, numbers, dates, entities, content overlap, length
 * ratio…). Pure code, the same in workerd, Node and browsers.
 */
import { PAIR_FEATURES, type PairComparison } from "../verifier/compare.ts";

/** Feature names in vector order. A trained scorer stores the names it was trained on, so a change here is caught at load. */
export const SCORER_FEATURES = [
  "cosine",
  "cosine_sq",
  "token_jaccard",
  "char3_jaccard",
  "verifier_reject",
  ...PAIR_FEATURES,
] as const;

export type ScorerFeatureName = (typeof SCORER_FEATURES)[number];

const words = (t: string) => new Set(t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

function trigrams(t: string): Set<string> {
  const s = ` ${t.toLowerCase().replace(/\s+/g, " ").trim()} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) {
    out.add(s.slice(i, i + 3));
  }
  return out;
}

export function jaccardOf(x: ReadonlySet<string>, y: ReadonlySet<string>): number {
  let both = 0;
  for (const t of x) {
    if (y.has(t)) {
      both += 1;
    }
  }
  const union = x.size + y.size - both;
  return union === 0 ? 1 : both / union;
}

/** The feature vector of a pair, in `SCORER_FEATURES` order. */
export function scorerFeatures(cosine: number, cached: string, incoming: string, comparison: PairComparison): number[] {
  return [
    cosine,
    cosine * cosine,
    jaccardOf(words(cached), words(incoming)),
    jaccardOf(trigrams(cached), trigrams(incoming)),
    comparison.findings.length > 0 ? 1 : 0,
    ...PAIR_FEATURES.map((name) => comparison.features[name]),
  ];
}
