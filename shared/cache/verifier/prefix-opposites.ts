/**
 * @module
 * Opposites made by a prefix, found by rule instead of listed: "subscribe" / "unsubscribe",
 * "valid" / "invalid", "connect" / "disconnect", "activate" / "deactivate", "overpaid" /
 * "underpaid", "pre-tax" / "post-tax". A prefixed word opposes its root only when the root is a
 * word of the other request and not of its own.
 *
 * Each prefix has a minimum root length and a short list of roots where the letters are no prefix
 * at all ("display" is not "not play", "install" is not "not stall"): English morphology, not data.
 */
import { lemma } from "./lemma.ts";

interface PrefixRule {
  readonly prefix: string;
  readonly minRoot: number;
  /** Roots whose prefixed form is an unrelated word. */
  readonly not: ReadonlySet<string>;
}

const NEGATING: readonly PrefixRule[] = [
  { prefix: "un", minRoot: 3, not: new Set(["less", "der", "til", "ion", "ite", "ity", "cle", "iform", "ique"]) },
  { prefix: "non", minRoot: 3, not: new Set(["sense"]) },
  {
    prefix: "dis",
    minRoot: 4,
    not: new Set([
      "play",
      "miss",
      "count",
      "cover",
      "patch",
      "pute",
      "tance",
      "card",
      "close",
      "course",
      "tribute",
      "tract",
      "solve",
      "ease",
      "guise",
      "gust",
      "pose",
      "pense",
      "mantle",
      "posal",
      "crete",
      "trict",
      "ciple",
      "aster",
      "order",
    ]),
  },
  {
    prefix: "de",
    minRoot: 6,
    not: new Set([
      "scribe",
      "velop",
      "termine",
      "crease",
      "signed",
      "sign",
      "posit",
      "serve",
      "sire",
      "pend",
      "fault",
      "liver",
      "tails",
    ]),
  },
  {
    prefix: "in",
    minRoot: 5,
    not: new Set([
      "stall",
      "crease",
      "sight",
      "press",
      "prove",
      "spire",
      "scribe",
      "struct",
      "valuable",
      "flammable",
      "habit",
      "vent",
      "trust",
      "quire",
      "herit",
      "sure",
      "cline",
      "dicate",
      "form",
      "clude",
      "vest",
      "tend",
      "side",
      "come",
      "put",
      "dex",
      "tense",
      "teger",
    ]),
  },
  {
    prefix: "im",
    minRoot: 5,
    not: new Set(["press", "prove", "port", "pose", "pact", "plant", "merse", "mediate", "plement", "pair", "portant"]),
  },
  { prefix: "il", minRoot: 5, not: new Set(["lustrate", "lusion"]) },
  { prefix: "ir", minRoot: 5, not: new Set(["radiate"]) },
  { prefix: "anti", minRoot: 4, not: new Set(["cipate", "que"]) },
];

/** Prefix pairs that oppose each other on the same root: "overpaid" / "underpaid". */
const PAIRED: ReadonlyArray<readonly [string, string]> = [
  ["over", "under"],
  ["pre", "post"],
  ["up", "down"],
  ["in", "out"],
  ["en", "de"],
  ["inter", "intra"],
  ["max", "min"],
];

export interface PrefixOpposite {
  readonly word: string;
  readonly opposite: string;
}

/**
 * What one text can contribute to a prefix opposition, read once per text (the verifier keeps a
 * text's analysis, and a cached request is compared again and again): its words without hyphens,
 * and each word that carries a prefix with the root it would oppose, in word order.
 */
export interface PrefixCandidates {
  readonly flat: ReadonlySet<string>;
  readonly candidates: readonly PrefixCandidate[];
}

type PrefixCandidate =
  /** A negating prefix: opposes the root's lemma when only the other text has it. */
  | {
      readonly kind: "negating";
      readonly raw: string;
      readonly word: string;
      readonly root: string;
      readonly key: string;
    }
  /** One of a prefix pair: opposes `opposite` ("under…" for "over…") as written in the other text. */
  | { readonly kind: "paired"; readonly raw: string; readonly word: string; readonly opposite: string };

/** Hyphens dropped: "non-smoking" is "nonsmoking". */
function flat(lower: string): string {
  return lower.replaceAll("-", "");
}

/** The prefix candidates of a text's lower-case words. */
export function prefixCandidates(words: readonly string[]): PrefixCandidates {
  const candidates: PrefixCandidate[] = [];
  for (const raw of new Set(words)) {
    const word = flat(raw);
    for (const rule of NEGATING) {
      if (!word.startsWith(rule.prefix)) {
        continue;
      }
      const root = word.slice(rule.prefix.length);
      if (root.length < rule.minRoot || rule.not.has(root) || !/^[a-z]+$/.test(root)) {
        continue;
      }
      candidates.push({ kind: "negating", raw, word, root, key: lemma(root) });
    }
    for (const [a, b] of PAIRED) {
      for (const [mine, theirs] of [
        [a, b],
        [b, a],
      ] as const) {
        const root = word.startsWith(mine) ? word.slice(mine.length) : "";
        if (root.length >= 4) {
          candidates.push({ kind: "paired", raw, word, opposite: theirs + root });
        }
      }
    }
  }
  return { flat: new Set(words.map(flat)), candidates };
}

/**
 * Words of `own` that are prefix-opposites of a word of `other` (and not balanced by the same
 * root in `own`). `ownLemmas` / `otherLemmas` are the lemmas of each text's words.
 */
export function prefixOpposites(
  own: PrefixCandidates,
  ownLemmas: ReadonlySet<string>,
  other: PrefixCandidates,
  otherLemmas: ReadonlySet<string>,
): PrefixOpposite[] {
  const found: PrefixOpposite[] = [];
  for (const c of own.candidates) {
    if (other.flat.has(c.word)) {
      continue;
    }
    if (c.kind === "negating") {
      if (otherLemmas.has(c.key) && !ownLemmas.has(c.key)) {
        found.push({ word: c.raw, opposite: c.root });
      }
    } else if (other.flat.has(c.opposite) && !own.flat.has(c.opposite)) {
      found.push({ word: c.raw, opposite: c.opposite });
    }
  }
  return found;
}
