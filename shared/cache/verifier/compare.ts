/**
 * @module
 * Compares the analyses of two requests: one number per rule signal (the features a later pair
 * scorer trains on, next to the cosine) and the findings that make the rule verifier reject, in
 * a fixed order of precedence.
 *
 * The rules look for a *substitution*, never a mere addition: "Paris" against "London" rejects,
 * "reset my password" against "reset my Gmail password" does not (a request that adds a detail
 * is scored by the similarity threshold, and by `*_added` features for a scorer).
 */
import type { Negation, TextAnalysis } from "./analyse.ts";
import { NOT_NAMES, sameName } from "./name-match.ts";
import { axisReason } from "./polar-words.ts";
import { prefixOpposites } from "./prefix-opposites.ts";
import type { Quantity } from "./values.ts";
import type { RejectReason } from "./verifier.ts";

/** Feature names in vector order; stable, append only (a trained scorer depends on the order). */
export const PAIR_FEATURES = [
  "negation_diff",
  "negation_scope_swap",
  "polar_negated_conflicts",
  "direction_conflicts",
  "antonym_conflicts",
  "prefix_opposites",
  "role_swaps",
  "number_substituted",
  "number_added",
  "unit_mismatches",
  "date_substituted",
  "date_added",
  "quantifier_mismatch",
  "entity_substituted",
  "entity_added",
  "content_jaccard",
  "content_unmatched",
  "length_ratio",
] as const;

export type PairFeatureName = (typeof PAIR_FEATURES)[number];
export type PairFeatures = Record<PairFeatureName, number>;

export interface Finding {
  readonly reason: RejectReason;
  readonly detail: string;
}

export interface PairComparison {
  readonly features: PairFeatures;
  /** What the rule verifier rejects on, most important first; empty when the pair passes. */
  readonly findings: readonly Finding[];
}

export function featureVector(features: PairFeatures): Float32Array {
  return Float32Array.from(PAIR_FEATURES, (name) => features[name]);
}

type AddFinding = (reason: RejectReason, detail: string) => void;

export function comparePair(a: TextAnalysis, b: TextAnalysis): PairComparison {
  const findings: Finding[] = [];
  const add: AddFinding = (reason, detail) => findings.push({ reason, detail });
  // Findings are added in this order (then sorted by precedence, stably): opposites, values, the rest.
  const opposites = compareOpposites(a, b, add);
  const values = compareValues(a, b, add);

  // Quantifiers: each side has a class the other lacks ("all" / "some").
  const qOnlyA = [...a.quantifiers].filter((q) => !b.quantifiers.has(q));
  const qOnlyB = [...b.quantifiers].filter((q) => !a.quantifiers.has(q));
  const quantifierMismatch = qOnlyA.length > 0 && qOnlyB.length > 0 ? 1 : 0;
  if (quantifierMismatch) {
    add("quantifier", `${qOnlyA.join(",")} against ${qOnlyB.join(",")}`);
  }

  // Entities: each side names something the other does not mention at all.
  const entA = unmatchedEntities(a, b);
  const entB = unmatchedEntities(b, a);
  const entitySubstituted = Math.min(entA.length, entB.length);
  if (entitySubstituted > 0) {
    add("entity", `${entA.join(",")} against ${entB.join(",")}`);
  }

  const onlyA = [...a.content].filter((c) => !b.lemmas.has(c)).length;
  const onlyB = [...b.content].filter((c) => !a.lemmas.has(c)).length;
  const union = new Set([...a.content, ...b.content]).size;
  const shared = [...a.content].filter((c) => b.content.has(c)).length;

  const features: PairFeatures = {
    ...opposites,
    ...values,
    quantifier_mismatch: quantifierMismatch,
    entity_substituted: entitySubstituted,
    entity_added: Math.abs(entA.length - entB.length),
    content_jaccard: union === 0 ? 1 : shared / union,
    content_unmatched: Math.max(onlyA, onlyB),
    length_ratio: Math.min(a.words.length, b.words.length) / Math.max(a.words.length, b.words.length, 1),
  };
  return { features, findings: findings.toSorted((x, y) => PRECEDENCE[x.reason] - PRECEDENCE[y.reason]) };
}

type OppositeFeatures = Pick<
  PairFeatures,
  | "negation_diff"
  | "negation_scope_swap"
  | "polar_negated_conflicts"
  | "direction_conflicts"
  | "antonym_conflicts"
  | "prefix_opposites"
  | "role_swaps"
>;

/** Negations, opposite poles ("enable" / "disable"; "not open" / "open"), prefix opposites, swapped roles. */
function compareOpposites(a: TextAnalysis, b: TextAnalysis, add: AddFinding): OppositeFeatures {
  // Negation: how many negations each side has that no opposite-pole word carries.
  const negA = plainNegations(a, b);
  const negB = plainNegations(b, a);
  const negationDiff = Math.abs(negA.length - negB.length);
  if (negationDiff > 0) {
    const more = negA.length > negB.length ? negA : negB;
    add("negation", `"${more[0]?.word ?? "not"}" on one side only`);
  }
  const scopeSwap = negA.length > 0 && negB.length > 0 && negationDiff === 0 ? scopeSwapped(a, b) : undefined;
  if (scopeSwap !== undefined) {
    add("negation", scopeSwap);
  }

  let polarNegated = 0;
  let directionConflicts = 0;
  let antonymConflicts = 0;
  for (const conflict of polarConflicts(a, b)) {
    if (conflict.negated) {
      polarNegated++;
      add("negation", conflict.detail);
    } else if (axisReason(conflict.axis) === "direction") {
      directionConflicts++;
      add("direction", conflict.detail);
    } else {
      antonymConflicts++;
      add("antonym", conflict.detail);
    }
  }
  const prefix = [
    ...prefixOpposites(a.prefixes, a.lemmas, b.prefixes, b.lemmas),
    ...prefixOpposites(b.prefixes, b.lemmas, a.prefixes, a.lemmas),
  ];
  for (const p of prefix) {
    add("antonym", `"${p.word}" against "${p.opposite}"`);
  }
  const roleSwaps = roleSwapped(a, b);
  for (const swap of roleSwaps) {
    add("direction", swap);
  }
  return {
    negation_diff: negationDiff,
    negation_scope_swap: scopeSwap === undefined ? 0 : 1,
    polar_negated_conflicts: polarNegated,
    direction_conflicts: directionConflicts,
    antonym_conflicts: antonymConflicts,
    prefix_opposites: prefix.length,
    role_swaps: roleSwaps.length,
  };
}

type ValueFeatures = Pick<
  PairFeatures,
  "number_substituted" | "number_added" | "unit_mismatches" | "date_substituted" | "date_added"
>;

/** Quantities, units and dates. */
function compareValues(a: TextAnalysis, b: TextAnalysis, add: AddFinding): ValueFeatures {
  const numbers = compareQuantities(a.quantities, b.quantities);
  for (const u of numbers.unitMismatches) {
    add("unit", u);
  }
  const unitsA = new Set(a.units);
  const unitsB = new Set(b.units);
  const standaloneUnitClash = unitsA.size > 0 && unitsB.size > 0 && ![...unitsA].some((u) => unitsB.has(u)) ? 1 : 0;
  if (standaloneUnitClash) {
    add("unit", `${[...unitsA].join(",")} against ${[...unitsB].join(",")}`);
  }
  if (numbers.substituted > 0) {
    add("number", numbers.detail);
  }
  const dates = compareDates(a.dates, b.dates);
  if (dates.substituted > 0) {
    add("date", dates.detail);
  }
  return {
    number_substituted: numbers.substituted,
    number_added: numbers.added,
    unit_mismatches: numbers.unitMismatches.length + standaloneUnitClash,
    date_substituted: dates.substituted,
    date_added: dates.added,
  };
}

const PRECEDENCE: Record<RejectReason, number> = {
  negation: 0,
  antonym: 1,
  direction: 2,
  quantifier: 3,
  entity: 4,
  unit: 5,
  number: 6,
  date: 7,
  model: 8,
};

/** Both sides negate, but each negates something the other asserts ("don't like cats, like dogs"). */
function scopeSwapped(a: TextAnalysis, b: TextAnalysis): string | undefined {
  const negA = plainNegations(a, b);
  const negB = plainNegations(b, a);
  const scopeA = new Set(negA.flatMap((n) => [...n.scope]));
  const scopeB = new Set(negB.flatMap((n) => [...n.scope]));
  // What one side negates first, the other asserts outside any negation, and the other way round.
  const movedA = negA.flatMap((n) => n.heads).find((w) => !scopeB.has(w) && b.lemmas.has(w));
  const movedB = negB.flatMap((n) => n.heads).find((w) => !scopeA.has(w) && a.lemmas.has(w));
  return movedA !== undefined && movedB !== undefined ? `negates "${movedA}" against "${movedB}"` : undefined;
}

/**
 * Negations that count as such against `other`: all of them, except those carried by a flipped
 * opposite-pole word when `other` has a word on the same axis (then the axes compare instead).
 */
function plainNegations(own: TextAnalysis, other: TextAnalysis): Negation[] {
  return own.negations.filter(
    (n) => n.absorbedAxes.length === 0 || !n.absorbedAxes.some((axis) => other.polar.some((p) => p.axis === axis)),
  );
}

interface PolarConflict {
  readonly axis: number;
  readonly negated: boolean;
  readonly detail: string;
}

function polarConflicts(a: TextAnalysis, b: TextAnalysis): PolarConflict[] {
  const axes = new Set([...a.polar, ...b.polar].map((p) => p.axis));
  const conflicts: PolarConflict[] = [];
  for (const axis of axes) {
    const pick = (t: TextAnalysis, pole: 1 | -1) => t.polar.filter((p) => p.axis === axis && p.pole === pole);
    const [aPlus, aMinus, bPlus, bMinus] = [pick(a, 1), pick(a, -1), pick(b, 1), pick(b, -1)];
    const only = (mine: typeof aPlus, theirs: typeof aPlus) =>
      mine.filter((p) => !theirs.some((q) => q.lemma === p.lemma));
    for (const [x, y] of [
      [only(aPlus, bPlus), only(bMinus, aMinus)],
      [only(aMinus, bMinus), only(bPlus, aPlus)],
    ] as const) {
      const [first] = x;
      const [second] = y;
      if (first !== undefined && second !== undefined) {
        const negated = first.negated || second.negated;
        const show = (p: typeof first) => (p.negated ? `not ${p.text}` : p.text);
        conflicts.push({ axis, negated, detail: `"${show(first)}" against "${show(second)}"` });
      }
    }
  }
  return conflicts;
}

const OPPOSITE_ROLES: ReadonlyArray<readonly [string, string]> = [["from", "to"]];
/** Roles whose objects may not trade places: "faster than Java", "Python versus Java". */
const ORDERED_ROLES = ["than", "versus"];

function roleSwapped(a: TextAnalysis, b: TextAnalysis): string[] {
  const swaps: string[] = [];
  // "from" and "to" are too common ("how to reset", "recover from surgery") to compare alone:
  // they count as a route, when both texts have both ("from Alice to Bob").
  const route = ["from", "to"].every((r) => a.roles.has(r) && b.roles.has(r));
  const roles = [...ORDERED_ROLES, ...(route ? ["from", "to"] : [])];
  for (const role of roles) {
    const objsA = a.roles.get(role);
    const objsB = b.roles.get(role);
    if (objsA === undefined || objsB === undefined) {
      continue;
    }
    const x = [...objsA].find((o) => !objsB.has(o) && b.lemmas.has(o));
    const y = [...objsB].find((o) => !objsA.has(o) && a.lemmas.has(o));
    if (x !== undefined && y !== undefined) {
      swaps.push(`"${role} ${x}" against "${role} ${y}"`);
    }
  }
  for (const [r1, r2] of OPPOSITE_ROLES) {
    for (const [p, q] of [
      [a, b],
      [b, a],
    ] as const) {
      const moved = [...(p.roles.get(r1) ?? [])].find(
        (o) => q.roles.get(r2)?.has(o) && !p.roles.get(r2)?.has(o) && !q.roles.get(r1)?.has(o),
      );
      if (moved !== undefined) {
        swaps.push(`"${r1} ${moved}" against "${r2} ${moved}"`);
      }
    }
  }
  const [clauseA, clauseB] = [a.clause, b.clause];
  if (
    clauseA !== undefined &&
    clauseB !== undefined &&
    clauseA.verb === clauseB.verb &&
    sameSet(clauseA.subject, clauseB.object) &&
    sameSet(clauseA.object, clauseB.subject) &&
    !sameSet(clauseA.subject, clauseA.object)
  ) {
    swaps.push(`"${clauseA.subject.join(" ")} ${clauseA.verb} ${clauseA.object.join(" ")}" against the roles swapped`);
  }
  return swaps;
}

function sameSet(x: readonly string[], y: readonly string[]): boolean {
  return x.length > 0 && x.length === y.length && x.every((w) => y.includes(w));
}

interface QuantityComparison {
  substituted: number;
  added: number;
  unitMismatches: string[];
  detail: string;
}

function compareQuantities(qa: readonly Quantity[], qb: readonly Quantity[]): QuantityComparison {
  const restA = [...qa];
  const restB = [...qb];
  const removeMatches = (match: (x: Quantity, y: Quantity) => boolean) => {
    for (let i = restA.length - 1; i >= 0; i--) {
      const x = restA[i];
      const j = x === undefined ? -1 : restB.findIndex((y) => match(x, y));
      if (j >= 0) {
        restA.splice(i, 1);
        restB.splice(j, 1);
      }
    }
  };
  removeMatches((x, y) => x.key === y.key);
  // "300" and "$300": one side left the unit out; that is no disagreement.
  removeMatches((x, y) => x.value === y.value && (x.unit === undefined || y.unit === undefined));
  // "90 miles" and "150 km": a converted figure is rounded; within 5 % of each other they agree.
  removeMatches(
    (x, y) =>
      x.unit !== undefined &&
      y.unit !== undefined &&
      x.unit.unit !== y.unit.unit &&
      x.unit.family === y.unit.family &&
      Math.abs(x.value * x.unit.factor - y.value * y.unit.factor) <= 0.05 * Math.abs(y.value * y.unit.factor),
  );
  const unitMismatches: string[] = [];
  removeMatches((x, y) => {
    const clash = x.value === y.value && x.unit !== undefined && y.unit !== undefined && x.unit.unit !== y.unit.unit;
    if (clash) {
      unitMismatches.push(`"${x.text}" against "${y.text}"`);
    }
    return clash;
  });
  const strongA = restA.filter((q) => !q.weak);
  const strongB = restB.filter((q) => !q.weak);
  // A weak "one" only confirms; left over, it says nothing.
  const substituted = Math.min(strongA.length, strongB.length);
  return {
    substituted,
    added: Math.abs(strongA.length - strongB.length),
    unitMismatches,
    detail: `${strongA.map((q) => q.text).join(", ")} against ${strongB.map((q) => q.text).join(", ")}`,
  };
}

/** Date atoms compared within kinds: a month against a year is two details, not a disagreement. */
function dateKind(atom: string): string {
  const [kind = "", value = ""] = atom.split(":");
  if (
    kind === "weekday" ||
    kind === "rel" ||
    (kind === "day" && /^(today|tonight|tomorrow|yesterday|now|currently)$/.test(value))
  ) {
    return "relative";
  }
  if (kind === "day" && /^[a-z]+$/.test(value)) {
    return ["spring", "summer", "autumn", "winter"].includes(value) ? "season" : "clock";
  }
  return kind === "time" ? "clock" : kind;
}

function compareDates(
  da: readonly string[],
  db: readonly string[],
): { substituted: number; added: number; detail: string } {
  const setA = new Set(da);
  const setB = new Set(db);
  const onlyA = [...setA].filter((d) => !setB.has(d));
  const onlyB = [...setB].filter((d) => !setA.has(d));
  const kindsB = new Set(onlyB.map(dateKind));
  const clashing = onlyA.filter((d) => kindsB.has(dateKind(d)));
  return {
    substituted: clashing.length,
    added: Math.abs(onlyA.length - onlyB.length),
    detail: `${onlyA.join(",")} against ${onlyB.join(",")}`,
  };
}

/** Dots, hyphens and apostrophes dropped: "U.S." is "us", "Wal-Mart" is "walmart". */
function flat(key: string): string {
  return key.replaceAll(/[-.']/g, "");
}

function unmatchedEntities(own: TextAnalysis, other: TextAnalysis): string[] {
  const otherForms = new Set<string>();
  for (const w of [...other.words, ...other.entities.map((e) => e.key)]) {
    otherForms.add(flat(w));
    // "Depression-era" mentions "Depression"; "PEP.N" (a ticker) mentions "PEP".
    for (const part of w.split(/[-.]/)) {
      otherForms.add(part);
    }
  }
  const otherInitials = new Set([...other.initials.keys()].map(flat));
  // Multi-word names seen as one: "United States" and "U.S." meet through the joined form.
  for (const run of other.initials.values()) {
    otherForms.add(run.join(""));
  }
  const forms = [...otherForms];
  return own.entities
    .filter((e) => {
      const key = flat(e.key);
      const head = e.key.split(".")[0] ?? key;
      const parts = e.key.split("-");
      const mentioned =
        other.lemmas.has(e.key) ||
        otherForms.has(key) ||
        otherForms.has(head) ||
        otherInitials.has(key) ||
        (parts.length > 1 && parts.every((p) => otherForms.has(p) || other.lemmas.has(p))) ||
        other.entities.some((o) => own.initials.get(flat(o.key))?.includes(e.key)) ||
        forms.some((f) => sameName(key, f));
      return !mentioned && !NOT_NAMES.has(key);
    })
    .map((e) => e.text);
}
