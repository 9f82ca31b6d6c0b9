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

/** Hyphens dropped: "non-smoking" is "nonsmoking". */
function flat(lower: string): string {
  return lower.replaceAll("-", "");
}

/**
 * Words of `own` that are prefix-opposites of a word of `other` (and not balanced by the same
 * root in `own`). Both arguments are lower-case words; `otherLemmas` / `ownLemmas` their lemmas.
 */
export function prefixOpposites(
  own: readonly string[],
  ownLemmas: ReadonlySet<string>,
  other: readonly string[],
  otherLemmas: ReadonlySet<string>,
): PrefixOpposite[] {
  const found: PrefixOpposite[] = [];
  const otherFlat = new Set(other.map(flat));
  const ownFlat = new Set(own.map(flat));
  for (const raw of new Set(own)) {
    const word = flat(raw);
    for (const rule of NEGATING) {
      if (!word.startsWith(rule.prefix)) {
        continue;
      }
      const root = word.slice(rule.prefix.length);
      if (root.length < rule.minRoot || rule.not.has(root) || !/^[a-z]+$/.test(root)) {
        continue;
      }
      const key = lemma(root);
      if (otherLemmas.has(key) && !ownLemmas.has(key) && !otherFlat.has(word)) {
        found.push({ word: raw, opposite: root });
      }
    }
    for (const [a, b] of PAIRED) {
      for (const [mine, theirs] of [
        [a, b],
        [b, a],
      ] as const) {
        const root = word.startsWith(mine) ? word.slice(mine.length) : "";
        if (root.length >= 4 && otherFlat.has(theirs + root) && !otherFlat.has(word) && !ownFlat.has(theirs + root)) {
          found.push({ word: raw, opposite: theirs + root });
        }
      }
    }
  }
  return found;
}
