/**
 * @module
 * Numbers as people write them: digits with separators ("1,000", "3.5", "$2.5bn") and words
 * ("three", "twenty-five", "two hundred and ten", "a dozen", "half"). Returns plain values; units
 * and dates are read around them by `values.ts`.
 */

const SMALL: ReadonlyMap<string, number> = new Map([
  ..."zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
    .split(" ")
    .map((w, i) => [w, i] as const),
  ..."twenty thirty forty fifty sixty seventy eighty ninety".split(" ").map((w, i) => [w, 20 + 10 * i] as const),
  ["dozen", 12],
  ["half", 0.5],
  ["quarter", 0.25],
]);

const MULTIPLIERS: ReadonlyMap<string, number> = new Map([
  ["hundred", 100],
  ["thousand", 1e3],
  ["million", 1e6],
  ["billion", 1e9],
  ["trillion", 1e12],
  ["dozen", 12],
]);

/** Ordinal words; "second" is left out: it is far more often the unit of time. */
export const ORDINAL_WORDS: ReadonlyMap<string, number> = new Map(
  "first third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
    .split(" ")
    .map((w, i) => [w, i === 0 ? 1 : i + 2] as const),
);

export function isNumberWord(lower: string): boolean {
  return SMALL.has(lower) || MULTIPLIERS.has(lower) || lower.split("-").every((p) => SMALL.has(p));
}

/**
 * Reads a run of number words ("two hundred and ten", "twenty-five", "a dozen" without the "a").
 * Returns the value and how many words it used, or undefined when `words[0]` starts no number.
 */
export function readNumberWords(words: readonly string[]): { value: number; used: number } | undefined {
  let total = 0;
  let current = 0;
  let used = 0;
  let any = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? "";
    if (w === "and" && any && i + 1 < words.length && isNumberWord(words[i + 1] ?? "")) {
      continue;
    }
    const parts = w.split("-");
    if (parts.length > 1 && parts.every((p) => SMALL.has(p))) {
      current += parts.reduce((s, p) => s + (SMALL.get(p) ?? 0), 0);
    } else if (SMALL.has(w) && !(w === "half" && any) && !(w === "dozen" && any)) {
      current += SMALL.get(w) ?? 0;
    } else if (MULTIPLIERS.has(w)) {
      const m = MULTIPLIERS.get(w) ?? 1;
      current = (any ? current : 1) * m;
      if (m >= 1000) {
        total += current;
        current = 0;
      }
    } else {
      break;
    }
    any = true;
    used = i + 1;
  }
  return any ? { value: total + current, used } : undefined;
}

export interface DigitNumber {
  readonly value: number;
  /** Currency symbol written before the digits, if any. */
  readonly currency?: string;
  /** Letters or % written right after the digits ("km", "pm", "%", "st"), lower case. */
  readonly suffix: string;
  /** The digits had ":" "/" or an inner "-" (a time, a date, a version, a range): compare as text. */
  readonly literal?: string;
}

/** Parses one number token from the tokenizer ("$1,000.50", "3.5km", "15:00", "1st", "50%"). */
export function parseDigits(token: string): DigitNumber | undefined {
  const m = /^([$€£¥]?)(\d[\d,.:/-]*\d|\d)([A-Za-z%°]*\d*)$/.exec(token);
  if (!m) {
    return undefined;
  }
  const [, currency = "", digits = "", suffix = ""] = m;
  const base = { suffix: suffix.toLowerCase(), ...(currency ? { currency } : {}) };
  if (/[:/]|\d-\d/.test(digits) || (digits.match(/\./g) ?? []).length > 1) {
    return { value: NaN, literal: digits, ...base };
  }
  // "1,000" and "1,000,000" are thousands; "3,5" (a decimal comma) is read as 3.5.
  const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(digits) ? digits.replaceAll(",", "") : digits.replace(",", ".");
  const value = Number(plain);
  return Number.isFinite(value) ? { value, ...base } : { value: NaN, literal: digits, ...base };
}
