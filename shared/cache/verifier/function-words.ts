/**
 * @module
 * Closed-class English words the verifier treats specially: function words (never content, never
 * entities), negators, quantifiers by meaning, and the words that end a negation's scope. Closed
 * classes are small and stable, so a list is the whole of the "model" here.
 */

/** Determiners, pronouns, auxiliaries, prepositions, conjunctions and fillers: not content words. */
export const FUNCTION_WORDS = new Set(
  (
    "a an the this that these those there here it its itself i me my mine myself you your yours yourself we us our ours " +
    "he him his she her hers they them their theirs what which who whom whose where when why how whether " +
    "is are was were be been being am do does did doing done have has had having will would shall should can could " +
    "may might must ought of in on at to for with by from as into onto about than then and or but if so because " +
    "while just also very really quite please too such own other another same any some each every all both either " +
    "neither not no nor only even still yet again ever already one ones thing things way ways like " +
    "get gets got getting let lets go going want wants know tell let's anyone someone anything something " +
    "s t etc e.g i.e vs via per up down out off over under"
  ).split(" "),
);

/** Auxiliaries and adverbs skipped when looking for what a negation applies to. */
export const AUXILIARIES = new Set(
  "is are was were be been being am do does did have has had will would shall should can could may might must really actually even ever just always currently yet".split(
    " ",
  ),
);

/** Words that negate what follows them. "no one" is read as one negator (see analyse.ts). */
export const NEGATORS = new Set([
  "not",
  "no",
  "never",
  "none",
  "nobody",
  "nothing",
  "nowhere",
  "neither",
  "nor",
  "without",
  "cannot",
]);

/** Verbs that negate their "to"-complement: "fails to start" ≈ "does not start". */
export const NEGATING_VERBS = new Set(
  "fail fails failed failing unable refuse refuses refused refusing decline declines declined declining".split(" "),
);

/** Tokens that end a negation's scope: clause punctuation and clause-joining words. */
export const SCOPE_BOUNDARIES = new Set([
  ",",
  ".",
  ";",
  ":",
  "!",
  "?",
  "(",
  ")",
  "but",
  "and",
  "or",
  "although",
  "though",
  "because",
  "while",
  "whereas",
  "however",
  "which",
  "who",
  "so",
  "then",
]);

export type QuantifierClass = "universal" | "existential" | "majority" | "minority";

/**
 * Quantifiers by meaning. "no", "none", "never", … are negators and stay out of this table, so
 * one difference is never reported twice.
 */
export const QUANTIFIERS: ReadonlyMap<string, QuantifierClass> = new Map([
  ..."all every each everyone everybody everything everywhere always entire entirely whole both"
    .split(" ")
    .map((w) => [w, "universal"] as const),
  ..."some someone somebody something somewhere sometimes several any anyone anybody anything anywhere occasionally"
    .split(" ")
    .map((w) => [w, "existential"] as const),
  ..."most mostly many usually often frequently majority generally".split(" ").map((w) => [w, "majority"] as const),
  ..."few rarely seldom minority hardly barely".split(" ").map((w) => [w, "minority"] as const),
]);
