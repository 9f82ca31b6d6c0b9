/**
 * @module
 * Reads the quantities and the dates of a tokenised request. Quantities carry a comparison key
 * (value in the family's base unit, so "2 weeks" and "14 days" agree) and their unit; dates become
 * atoms ("month:3", "day:14", "year:2024", "weekday:1", "rel:next:week", "time:15:00") compared as
 * sets. Tokens used here are reported so entity detection skips them ("March", "Monday").
 */
import { ORDINAL_WORDS, isNumberWord, parseDigits, readNumberWords } from "./number-words.ts";
import type { Token } from "./tokenize.ts";
import { SCALES, UNITS, type UnitInfo } from "./units.ts";

export interface Quantity {
  /** Equal keys mean equal quantities: `length:1000`, `currency-usd:300`, `n:3`, `ord:2`, `lit:1.2.3`. */
  readonly key: string;
  readonly value: number;
  readonly unit?: UnitInfo;
  /** "one" on its own: often a pronoun ("which one"), so it only ever confirms a 1 on the other side. */
  readonly weak: boolean;
  readonly text: string;
}

export interface Values {
  readonly quantities: Quantity[];
  readonly dates: string[];
  /** Units named without a number ("in miles"), as `family:unit`. */
  readonly units: string[];
  /** Token indexes read as numbers, units or dates. */
  readonly used: Set<number>;
  /** Number-like tokens that are names, not numbers ("2FA", "5G", "mp3"), lower case. */
  readonly codes: string[];
}

const MONTHS: ReadonlyMap<string, number> = new Map([
  ..."january february march april may june july august september october november december"
    .split(" ")
    .map((m, i) => [m, i + 1] as const),
  ..."jan feb mar apr _ jun jul aug sep oct nov dec".split(" ").map((m, i) => [m, i + 1] as const),
  ["sept", 9],
]);
/** Month names that are also common words: months only when capitalised mid-sentence or beside a number. */
const AMBIGUOUS_MONTHS = new Set([
  "may",
  "march",
  "mar",
  "jan",
  "jun",
  "aug",
  "oct",
  "dec",
  "sep",
  "nov",
  "feb",
  "apr",
  "jul",
]);

const WEEKDAYS: ReadonlyMap<string, number> = new Map(
  "monday tuesday wednesday thursday friday saturday sunday"
    .split(" ")
    .flatMap((d, i) => [[d, i + 1] as const, [`${d}s`, i + 1] as const]),
);

const RELATIVE_DAYS = new Set(["today", "tonight", "tomorrow", "yesterday", "now", "currently"]);
const DAY_PARTS = new Set(["morning", "afternoon", "evening", "night", "midnight", "noon", "overnight"]);
const SEASONS = new Set(["spring", "summer", "autumn", "winter"]);
const RELATIVE_MARKERS = new Set(["this", "next", "last", "coming", "past", "previous", "following"]);
const PERIODS = new Set([
  "week",
  "weeks",
  "month",
  "months",
  "year",
  "years",
  "weekend",
  "weekends",
  "quarter",
  "season",
]);
const ORDINAL_SUFFIXES = new Set(["st", "nd", "rd", "th"]);

function isMonth(tokens: readonly Token[], i: number): number | undefined {
  const t = tokens[i];
  const month = t ? MONTHS.get(t.lower.replace(/\.$/, "")) : undefined;
  if (t === undefined || month === undefined) {
    return undefined;
  }
  if (!AMBIGUOUS_MONTHS.has(t.lower)) {
    return month;
  }
  const nearNumber = tokens[i - 1]?.kind === "number" || tokens[i + 1]?.kind === "number";
  return nearNumber || (t.capitalised && !t.sentenceStart) ? month : undefined;
}

function nearMonth(tokens: readonly Token[], i: number): boolean {
  return (
    isMonth(tokens, i - 1) !== undefined ||
    isMonth(tokens, i + 1) !== undefined ||
    (tokens[i + 1]?.lower === "of" && isMonth(tokens, i + 2) !== undefined)
  );
}

function unitAt(tokens: readonly Token[], i: number): { info: UnitInfo; used: number } | undefined {
  const a = tokens[i]?.lower;
  if (a === undefined) {
    return undefined;
  }
  if (a === "per" && tokens[i + 1]?.lower === "cent") {
    return { info: UNITS.get("percent") ?? fail(), used: 2 };
  }
  if ((a === "degree" || a === "degrees") && tokens[i + 1] !== undefined) {
    const scale = UNITS.get(tokens[i + 1]?.lower ?? "");
    if (scale?.family.startsWith("temperature")) {
      return { info: scale, used: 2 };
    }
  }
  const info = UNITS.get(a);
  // Single letters ("m", "l", "c") only count fused to the digits, never as separate words.
  return info && (a.length > 1 || !/^[a-z]$/.test(a)) ? { info, used: 1 } : undefined;
}

function fail(): never {
  throw new Error("unit table is missing an entry");
}

function quantity(value: number, unit: UnitInfo | undefined, text: string, weak = false): Quantity {
  const base = unit ? value * unit.factor : value;
  const rounded = Number(base.toPrecision(6));
  return { key: `${unit?.family ?? "n"}:${rounded}`, value, ...(unit ? { unit } : {}), weak, text };
}

function hour(value: number, suffix: string): string {
  const h = suffix.startsWith("p") && value < 12 ? value + 12 : suffix.startsWith("a") && value === 12 ? 0 : value;
  return `time:${h}:00`;
}

export function readValues(tokens: readonly Token[]): Values {
  return new ValueReader(tokens).read();
}

/** One pass over a request's tokens, collecting what it reads and marking the tokens it used. */
class ValueReader {
  private readonly tokens: readonly Token[];
  private readonly quantities: Quantity[] = [];
  private readonly dates: string[] = [];
  private readonly units: string[] = [];
  private readonly codes: string[] = [];
  private readonly used = new Set<number>();

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  read(): Values {
    const { tokens, used } = this;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t === undefined || used.has(i)) {
        continue;
      }
      if (t.kind === "number") {
        this.readNumberToken(i, t);
      } else if (t.kind === "word" && !this.readDateWord(i, t)) {
        i = this.readNumberWords(i, t);
      }
    }
    for (const [i, t] of tokens.entries()) {
      const info = !used.has(i) && t.kind === "word" ? UNITS.get(t.lower) : undefined;
      if (info?.standalone && t.lower.length > 2) {
        this.units.push(`${info.family}:${info.unit}`);
      }
    }
    const { quantities, dates, units, codes } = this;
    return { quantities, dates, units, used, codes };
  }

  private take(from: number, count: number): void {
    for (let k = from; k < from + count; k++) {
      this.used.add(k);
    }
  }

  /** A month, weekday, relative day or period ("next week"), or an ordinal word; true when read. */
  private readDateWord(i: number, t: Token): boolean {
    const { tokens, dates } = this;
    const month = isMonth(tokens, i);
    if (month !== undefined) {
      dates.push(`month:${month}`);
      this.take(i, 1);
      return true;
    }
    const weekday = WEEKDAYS.get(t.lower);
    if (weekday !== undefined) {
      dates.push(`weekday:${weekday}`);
      this.take(i, 1);
      return true;
    }
    if (RELATIVE_DAYS.has(t.lower) || DAY_PARTS.has(t.lower) || SEASONS.has(t.lower)) {
      dates.push(`day:${t.lower}`);
      this.take(i, 1);
      return true;
    }
    const next = tokens[i + 1];
    if (RELATIVE_MARKERS.has(t.lower) && next !== undefined) {
      const period = PERIODS.has(next.lower) || SEASONS.has(next.lower) ? next.lower.replace(/s$/, "") : undefined;
      const day = WEEKDAYS.get(next.lower) ?? isMonth(tokens, i + 1);
      if (period !== undefined || day !== undefined) {
        const marker =
          t.lower === "coming" || t.lower === "following"
            ? "next"
            : t.lower === "previous" || t.lower === "past"
              ? "last"
              : t.lower;
        dates.push(`rel:${marker}:${period ?? next.lower}`);
        this.take(i, 2);
        return true;
      }
    }
    const ordinal = ORDINAL_WORDS.get(t.lower);
    if (ordinal !== undefined) {
      if (nearMonth(tokens, i)) {
        dates.push(`day:${ordinal}`);
      } else {
        this.quantities.push({ key: `ord:${ordinal}`, value: ordinal, weak: false, text: t.text });
      }
      this.take(i, 1);
      return true;
    }
    return false;
  }

  /**
   * A number in words from token `i` ("twenty one", "a dozen", "an hour"), with its unit.
   * Returns the index of the last token it used (`i` when it read nothing).
   */
  private readNumberWords(i: number, t: Token): number {
    const { tokens } = this;
    // "a dozen", "a hundred", "an hour", "a week": "a" is one.
    const article = t.lower === "a" || t.lower === "an";
    if (!article && !isNumberWord(t.lower)) {
      return i;
    }
    const words = tokens.slice(article ? i + 1 : i, i + 12).map((w) => (w.kind === "word" ? w.lower : "\u0000"));
    if (article) {
      const unit = unitAt(tokens, i + 1);
      if (unit && unit.info.family === "time") {
        this.quantities.push(quantity(1, unit.info, `${t.text} ${tokens[i + 1]?.text ?? ""}`));
        this.take(i, 1 + unit.used);
        return i + unit.used;
      }
      if (!["dozen", "hundred", "thousand", "million", "billion"].includes(words[0] ?? "")) {
        return i;
      }
    }
    if (!isNumberWord(words[0] ?? "")) {
      return i;
    }
    const read = readNumberWords(words);
    if (read === undefined) {
      return i;
    }
    const start = article ? i + 1 : i;
    const after = start + read.used;
    const unit = unitAt(tokens, after);
    const lone = read.used === 1 && (words[0] === "one" || words[0] === "half" || words[0] === "quarter") && !unit;
    if (!lone && nearMonth(tokens, start) && read.value >= 1 && read.value <= 31 && read.used === 1) {
      this.dates.push(`day:${read.value}`);
    } else {
      const text = tokens
        .slice(i, after)
        .map((w) => w.text)
        .join(" ");
      this.quantities.push(quantity(read.value, unit?.info, text, lone));
    }
    this.take(i, after - i + (unit?.used ?? 0));
    return after - 1 + (unit?.used ?? 0);
  }

  /** A token of digits: a time, a date, a version-like literal, an ordinal, a year or a quantity. */
  private readNumberToken(i: number, t: Token): void {
    const parsed = parseDigits(t.text);
    if (parsed === undefined) {
      return;
    }
    this.take(i, 1);
    if (parsed.literal !== undefined) {
      this.readLiteral(parsed.literal, parsed.suffix, t, this.tokens[i + 1]);
      return;
    }
    if (!this.readDateNumber(i, t, parsed.value, parsed.suffix)) {
      this.readQuantity(i, t, parsed.value, parsed.suffix, parsed.currency);
    }
  }

  /** "15:30", "3:30pm", "2024-03-14", "1.2.3". */
  private readLiteral(lit: string, suffix: string, t: Token, next: Token | undefined): void {
    if (lit.includes(":")) {
      const [h = "", m = "00"] = lit.split(":");
      const ampm = /^[ap]m?$/.test(suffix)
        ? suffix
        : /^[ap]\.?m\.?$/.test(next?.lower ?? "")
          ? (next?.lower ?? "")
          : "";
      const hh = Number(h);
      this.dates.push(ampm ? `${hour(hh, ampm).slice(0, -3)}:${m}` : `time:${hh}:${m}`);
    } else if (/^\d{1,4}[/-]\d{1,2}[/-]\d{1,4}$/.test(lit)) {
      this.dates.push(`date:${lit.replaceAll("/", "-")}`);
    } else {
      this.quantities.push({ key: `lit:${lit}`, value: NaN, weak: false, text: t.text });
    }
  }

  /** "3pm", "3 p.m.", "14th" (a day beside a month, else an ordinal), "1990s"; true when read. */
  private readDateNumber(i: number, t: Token, value: number, suffix: string): boolean {
    const next = this.tokens[i + 1];
    if (/^[ap]m$/.test(suffix) || (suffix === "" && /^[ap]\.?m\.?$/.test(next?.lower ?? "") && value <= 12)) {
      this.dates.push(hour(value, suffix || (next?.lower ?? "")));
      if (suffix === "") {
        this.take(i + 1, 1);
      }
      return true;
    }
    if (ORDINAL_SUFFIXES.has(suffix)) {
      if (nearMonth(this.tokens, i) && value >= 1 && value <= 31) {
        this.dates.push(`day:${value}`);
      } else {
        this.quantities.push({ key: `ord:${value}`, value, weak: false, text: t.text });
      }
      return true;
    }
    if (suffix === "s" && /^\d{4}$/.test(t.text)) {
      this.dates.push(`decade:${value}`);
      return true;
    }
    return false;
  }

  /** Digits with a currency, a fused or following unit or scale ("$3m", "5km", "2 million", "10 kg"). */
  private readQuantity(i: number, t: Token, value: number, suffix: string, currency: string | undefined): void {
    const { tokens } = this;
    let unit: UnitInfo | undefined;
    let scaled = value;
    if (currency !== undefined) {
      unit = UNITS.get(currency);
      const fusedScale = SCALES.get(suffix) ?? (suffix === "m" ? 1e6 : suffix === "b" ? 1e9 : undefined);
      if (fusedScale !== undefined) {
        scaled *= fusedScale;
      }
    } else if (suffix !== "") {
      const fused = UNITS.get(suffix);
      const scale = SCALES.get(suffix);
      if (fused) {
        unit = fused;
      } else if (scale !== undefined) {
        scaled *= scale;
      } else {
        // Digits glued to letters that are no unit: a name like "2FA", "5G", "S3" (see tokenize.ts).
        this.used.delete(i);
        this.codes.push(t.lower);
        return;
      }
    }
    let j = i + 1;
    const scaleWord = SCALES.get(tokens[j]?.lower ?? "");
    if (scaleWord !== undefined && tokens[j]?.kind === "word") {
      scaled *= scaleWord;
      this.take(j, 1);
      j++;
    }
    if (unit === undefined) {
      const after = unitAt(tokens, j);
      if (after) {
        unit = after.info;
        this.take(j, after.used);
        j += after.used;
      }
    }
    if (unit === undefined && suffix === "" && /^\d{4}$/.test(t.text) && value >= 1000 && value <= 2100) {
      this.dates.push(`year:${value}`);
      return;
    }
    if (unit === undefined && nearMonth(tokens, i) && value >= 1 && value <= 31 && Number.isInteger(value)) {
      this.dates.push(`day:${value}`);
      return;
    }
    const text = tokens
      .slice(i, j)
      .map((w) => w.text)
      .join(" ");
    this.quantities.push(quantity(scaled, unit, text));
  }
}
