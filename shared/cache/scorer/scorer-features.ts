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

/** What the lexical features read of one text: its word tokens and its character trigrams. */
export interface Lexical {
  readonly words: ReadonlySet<string>;
  readonly trigrams: ReadonlySet<string>;
}

export function lexicalOf(text: string): Lexical {
  return { words: new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []), trigrams: trigrams(text) };
}

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
  return featuresOf(cosine, lexicalOf(cached), lexicalOf(incoming), comparison);
}

/** The same from texts already read (the scorer keeps recent texts' `Lexical`). */
export function featuresOf(cosine: number, cached: Lexical, incoming: Lexical, comparison: PairComparison): number[] {
  return [
    cosine,
    cosine * cosine,
    jaccardOf(cached.words, incoming.words),
    jaccardOf(cached.trigrams, incoming.trigrams),
    comparison.findings.length > 0 ? 1 : 0,
    ...PAIR_FEATURES.map((name) => comparison.features[name]),
  ];
}
