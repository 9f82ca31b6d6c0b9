/**
 * @module
 * Reads one request once into what the pair rules compare: lemmas and content words, negations
 * with their scope, opposite-pole words (flipped when negated: "not open" sits with "closed"),
 * quantities and dates, quantifiers, named entities and the objects of role words ("from", "to",
 * "than"). A cache can keep this analysis with its entry, so a lookup analyses only the new text.
 */
import {
  AUXILIARIES,
  FUNCTION_WORDS,
  NEGATING_VERBS,
  NEGATORS,
  QUANTIFIERS,
  SCOPE_BOUNDARIES,
  type QuantifierClass,
} from "./function-words.ts";
import { lemma } from "./lemma.ts";
import { prefixCandidates, type PrefixCandidates } from "./prefix-opposites.ts";
import { POLAR, type PolarReason } from "./polar-words.ts";
import { tokenize, type Token } from "./tokenize.ts";
import { readValues, type Quantity } from "./values.ts";

export interface Negation {
  /** The negator as written ("not", "no", "without", "fails"). */
  readonly word: string;
  readonly index: number;
  /** Content lemmas from the negator to the end of its clause. */
  readonly scope: ReadonlySet<string>;
  /** The first two content lemmas of the scope: what is negated. */
  readonly heads: readonly string[];
  /**
   * Axes of the opposite-pole word this negation flips ("not open" ≈ "closed"); empty when none.
   * The negation then counts only against a text without a word on those axes.
   */
  readonly absorbedAxes: readonly number[];
}

export interface PolarHit {
  readonly index: number;
  readonly lemma: string;
  readonly text: string;
  readonly axis: number;
  /** After negation: "not open" has the pole of "closed". */
  readonly pole: 1 | -1;
  readonly reason: PolarReason;
  readonly complementary: boolean;
  readonly negated: boolean;
}

export interface Entity {
  readonly key: string;
  readonly text: string;
}

export interface TextAnalysis {
  readonly text: string;
  readonly tokens: readonly Token[];
  /** Lower-case words as written. */
  readonly words: readonly string[];
  /** Lemmas of every word (function words too), for "does the other text mention it at all". */
  readonly lemmas: ReadonlySet<string>;
  /** Words that carry an opposing prefix ("un…", "over…"), read once for every comparison. */
  readonly prefixes: PrefixCandidates;
  /** Lemmas of content words: no function words, negators, numbers or dates. */
  readonly content: ReadonlySet<string>;
  readonly negations: readonly Negation[];
  readonly polar: readonly PolarHit[];
  readonly quantities: readonly Quantity[];
  readonly dates: readonly string[];
  readonly units: readonly string[];
  readonly quantifiers: ReadonlySet<QuantifierClass>;
  readonly entities: readonly Entity[];
  /** Initials of runs of capitalised words → their lemmas ("aws" → amazon, web, servic), to meet acronyms. */
  readonly initials: ReadonlyMap<string, readonly string[]>;
  /** Role word → lemmas of its objects: "from Paris to London" gives from → {paris}, to → {london}. */
  readonly roles: ReadonlyMap<string, ReadonlySet<string>>;
  /** Who does what to whom, where a progressive or perfect verb shows it ("a dog is licking a baby"). */
  readonly clause?: Clause;
}

export interface Clause {
  readonly subject: readonly string[];
  readonly verb: string;
  readonly object: readonly string[];
}

const CLAUSE_AUX = new Set(["is", "are", "was", "were", "am", "be", "been", "has", "have", "had"]);

/**
 * The first "aux + verb-ing/-ed" of the text with the content words before it (subject) and after
 * it up to the clause's end (object). A passive ("by") reverses roles, so none is read there.
 */
function readClause(tokens: readonly Token[], used: ReadonlySet<number>): Clause | undefined {
  if (tokens.some((t) => t.lower === "by")) {
    return undefined;
  }
  const v = tokens.findIndex(
    (t, i) =>
      t.kind === "word" &&
      /^[a-z]{3,}(ing|ed)$/.test(t.lower) &&
      tokens.slice(Math.max(0, i - 3), i).some((w) => CLAUSE_AUX.has(w.lower)),
  );
  const verb = tokens[v];
  if (verb === undefined) {
    return undefined;
  }
  const contentOf = (list: readonly Token[], offset: number) =>
    list
      .map((t, k) => [t, k + offset] as const)
      .filter(
        ([t, k]) => t.kind === "word" && !used.has(k) && !FUNCTION_WORDS.has(t.lower) && !AUXILIARIES.has(t.lower),
      )
      .map(([t]) => lemma(t.lower));
  const end = tokens.findIndex((t, i) => i > v && SCOPE_BOUNDARIES.has(t.lower));
  return {
    subject: contentOf(tokens.slice(0, v), 0),
    verb: lemma(verb.lower),
    object: contentOf(tokens.slice(v + 1, end < 0 ? tokens.length : end), v + 1),
  };
}

/** Particles that are polar only after a verb they form a phrase with ("turn on", "log in", "scale up"). */
const GATED_PARTICLES = new Set(["on", "in", "up"]);
const PHRASAL_HEADS = new Set(
  "turn switch log sign check opt zoom plug power scroll scale speed move go come get step walk climb jump fade phase tune clock cash lock break start set throttle ramp"
    .split(" ")
    .map(lemma),
);
const ROLE_WORDS = new Set(["from", "to", "than", "versus", "vs"]);
/** "due to", "according to", "next to": fixed phrases, not a destination. */
const NOT_A_DESTINATION = new Set(
  "due according thanks owing prior next close compared addition relative similar related contrary lead leading up able want going have has had used likely".split(
    " ",
  ),
);
const SKIP_BEFORE_OBJECT = new Set("a an the my your our their his her its this that these those be of".split(" "));

function isParticle(tokens: readonly Token[], i: number): boolean {
  for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
    const t = tokens[k];
    if (t === undefined || SCOPE_BOUNDARIES.has(t.lower)) {
      return false;
    }
    if (PHRASAL_HEADS.has(lemma(t.lower))) {
      return true;
    }
  }
  return false;
}

function polarEntries(tokens: readonly Token[], i: number) {
  const t = tokens[i];
  if (t === undefined || t.kind !== "word") {
    return undefined;
  }
  if (GATED_PARTICLES.has(t.lower) && !isParticle(tokens, i)) {
    return undefined;
  }
  // "fails to start" is a negation of "start" (see NEGATING_VERBS), not the opposite of "pass".
  if (NEGATING_VERBS.has(t.lower) && tokens[i + 1]?.lower === "to") {
    return undefined;
  }
  return POLAR.get(lemma(t.lower));
}

function isNegator(tokens: readonly Token[], i: number, sawNeither: boolean): boolean {
  const t = tokens[i];
  const next = tokens[i + 1]?.lower;
  if (t === undefined) {
    return false;
  }
  if (NEGATING_VERBS.has(t.lower)) {
    return next === "to";
  }
  if (!NEGATORS.has(t.lower)) {
    return false;
  }
  if (t.lower === "not" && (next === "only" || next === "just")) {
    return false;
  }
  // "No, …" answers; it negates nothing in the request.
  if (t.lower === "no" && (next === "," || next === undefined)) {
    return false;
  }
  return !(t.lower === "nor" && sawNeither);
}

/** Capitalisation says "name" only in normal prose: not in Title Case or ALL CAPS requests. */
function capitalsMarkNames(wordTokens: readonly Token[]): boolean {
  const letters = wordTokens.filter((t) => /[A-Za-z]/.test(t.text));
  const capitalisedShare = letters.filter((t) => t.capitalised).length / Math.max(letters.length, 1);
  return letters.length < 4 || capitalisedShare < 0.6;
}

/** Whether word `i` names something: a code or acronym, or a capitalised word not opening a sentence. */
function isNamed(tokens: readonly Token[], i: number, capsAreNames: boolean): boolean {
  const t = tokens[i];
  if (t === undefined) {
    return false;
  }
  const l = t.lower;
  const next = tokens[i + 1]?.lower;
  return (
    l.length > 1 &&
    ((isCodeLike(t) && (capsAreNames || /\d/.test(t.text))) ||
      (capsAreNames &&
        t.capitalised &&
        !FUNCTION_WORDS.has(l) &&
        (!t.sentenceStart || (tokens[i + 1]?.capitalised === true && !FUNCTION_WORDS.has(next ?? "")))))
  );
}

function isCodeLike(t: Token): boolean {
  const text = t.text;
  return (
    /\d/.test(text) ||
    /[a-z][A-Z]/.test(text) ||
    (text.length >= 2 && /^[A-Z0-9&]+$/.test(text) && /[A-Z]/.test(text)) ||
    /[./@]/.test(text.slice(1))
  );
}

export function analyse(text: string): TextAnalysis {
  const tokens = tokenize(text);
  const values = readValues(tokens);
  const wordTokens = tokens.filter((t) => t.kind === "word");
  const words = wordTokens.map((t) => t.lower);
  const lemmas = new Set(words.map(lemma));

  const capsAreNames = capitalsMarkNames(wordTokens);

  const content = new Set<string>();
  const entities: Entity[] = [];
  const quantifiers = new Set<QuantifierClass>();
  const roles = new Map<string, Set<string>>();
  const initials = new Map<string, string[]>();
  const negations: Negation[] = [];
  const polar: PolarHit[] = [];
  let sawNeither = false;
  let run: string[] = [];

  for (const [i, t] of tokens.entries()) {
    const prev = tokens[i - 1]?.lower;
    const next = tokens[i + 1]?.lower;
    // Opposites are read on every word, dates too ("day" / "night", "before" / "after").
    for (const e of polarEntries(tokens, i) ?? []) {
      polar.push({ index: i, lemma: lemma(t.lower), text: t.text, ...e, negated: false });
    }
    if (t.kind !== "word" || values.used.has(i)) {
      run = flushRun(run, initials);
      continue;
    }
    const l = t.lower;
    const key = lemma(l);

    if (t.capitalised && capsAreNames && !FUNCTION_WORDS.has(l)) {
      run.push(key);
    } else if (l === "of" && run.length > 0) {
      // "University of California" is "UC": "of" neither breaks the run nor gives a letter.
    } else {
      run = flushRun(run, initials);
    }

    if (isNegator(tokens, i, sawNeither)) {
      sawNeither ||= l === "neither";
      negations.push(readNegation(tokens, i, l === "no" && next === "one" ? 2 : 1));
      continue;
    }
    if (l === "one" && prev === "no") {
      continue;
    }

    const quantifier = QUANTIFIERS.get(l);
    if (quantifier !== undefined && !skipQuantifier(l, prev, next, tokens[i + 1])) {
      quantifiers.add(l === "few" && prev === "a" ? "existential" : quantifier);
    }

    addRoleObject(roles, tokens, i, prev);

    if (!FUNCTION_WORDS.has(l)) {
      content.add(key);
    }

    if (isNamed(tokens, i, capsAreNames)) {
      // Codes and acronyms are compared as written: the stemmer would make "AWS" "aw".
      entities.push({ key: isCodeLike(t) ? l : key, text: t.text });
    }
  }
  flushRun(run, initials);
  for (const code of values.codes) {
    entities.push({ key: code, text: code });
  }

  return {
    text,
    tokens,
    words,
    lemmas,
    prefixes: prefixCandidates(words),
    content,
    negations,
    polar: flipNegated(tokens, negations, polar),
    quantities: values.quantities,
    dates: values.dates,
    units: values.units,
    quantifiers,
    entities,
    initials,
    roles,
    ...optional("clause", readClause(tokens, values.used)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** "from X", "to Y", "than Z": the object of a role word at `i`, kept under its role. */
function addRoleObject(roles: Map<string, Set<string>>, tokens: readonly Token[], i: number, prev: string | undefined) {
  const l = tokens[i]?.lower ?? "";
  const roleObject =
    ROLE_WORDS.has(l) && !(l === "to" && NOT_A_DESTINATION.has(prev ?? "")) ? objectAfter(tokens, i) : undefined;
  if (roleObject !== undefined) {
    const role = l === "vs" ? "versus" : l;
    roles.set(role, new Set([...(roles.get(role) ?? []), roleObject]));
  }
}

function flushRun(run: string[], initials: Map<string, string[]>): string[] {
  if (run.length >= 2) {
    initials.set(run.map((k) => k[0] ?? "").join(""), run);
  }
  return [];
}

function skipQuantifier(l: string, prev: string | undefined, next: string | undefined, nextToken: Token | undefined) {
  return (
    ((l === "most" || l === "least") && (prev === "the" || prev === "at")) ||
    (l === "all" && (prev === "at" || prev === "after" || next === "right")) ||
    (l === "many" && (prev === "how" || prev === "so" || prev === "too")) ||
    (l === "each" && next === "other") ||
    (l === "some" && nextToken?.kind === "number") ||
    (l === "few" && prev === "quite")
  );
}

/** The first content word after a role word, skipping determiners and possessives. */
function objectAfter(tokens: readonly Token[], i: number): string | undefined {
  for (let k = i + 1; k < Math.min(tokens.length, i + 4); k++) {
    const t = tokens[k];
    if (t === undefined || SCOPE_BOUNDARIES.has(t.lower)) {
      return undefined;
    }
    if (t.kind === "number") {
      return t.lower;
    }
    if (t.kind === "word" && !SKIP_BEFORE_OBJECT.has(t.lower) && !FUNCTION_WORDS.has(t.lower)) {
      return lemma(t.lower);
    }
  }
  return undefined;
}

const SCOPE_LIMIT = 10;
const FLIPPING_NEGATORS = new Set(["not", "never", "cannot", ...NEGATING_VERBS]);

function readNegation(tokens: readonly Token[], i: number, width: number): Negation {
  const scope = new Set<string>();
  for (let k = i + width; k < Math.min(tokens.length, i + width + SCOPE_LIMIT); k++) {
    const t = tokens[k];
    if (t === undefined || SCOPE_BOUNDARIES.has(t.lower)) {
      break;
    }
    if (t.kind === "word" && !FUNCTION_WORDS.has(t.lower) && !NEGATORS.has(t.lower)) {
      scope.add(lemma(t.lower));
    }
  }
  return { word: tokens[i]?.text ?? "", index: i, scope, heads: [...scope].slice(0, 2), absorbedAxes: [] };
}

/**
 * A negation followed closely by an opposite-pole word flips that word and is carried by it:
 * "is not open" then compares like "is closed", "don't turn on" like "turn off".
 */
function flipNegated(tokens: readonly Token[], negations: Negation[], polar: readonly PolarHit[]): PolarHit[] {
  const flipped = [...polar];
  negations.forEach((negation, n) => {
    // Only a negated predicate flips ("is not open"); "no man" is not "a woman".
    if (!FLIPPING_NEGATORS.has(negation.word.toLowerCase())) {
      return;
    }
    let seen = 0;
    for (let k = negation.index + 1; k < tokens.length && seen < 2; k++) {
      const w = tokens[k];
      if (w === undefined || SCOPE_BOUNDARIES.has(w.lower)) {
        break;
      }
      if (w.kind !== "word" || AUXILIARIES.has(w.lower) || SKIP_BEFORE_OBJECT.has(w.lower) || w.lower === "to") {
        continue;
      }
      seen++;
      if (flipped.some((p) => p.index === k && !p.negated && p.complementary)) {
        flipped.forEach((p, j) => {
          if (p.index === k && p.complementary) {
            flipped[j] = { ...p, pole: p.pole === 1 ? -1 : 1, negated: true };
          }
        });
        negations[n] = {
          ...negation,
          absorbedAxes: flipped.filter((p) => p.index === k && p.complementary).map((p) => p.axis),
        };
        break;
      }
    }
  });
  return flipped;
}
