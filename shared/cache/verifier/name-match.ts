/**
 * @module
 * Whether two spellings name the same thing, beyond exact keys: a country and its people
 * ("Syria" / "Syrian", "Mexico" / "Mexican", "Afghanistan" / "Afghan"), transliterations and
 * typos one letter apart in longer names ("Kyongsang" / "Kyeongsang", "Defense" / "Defence"),
 * and a few aliases people use interchangeably for the same country.
 */

/** Aliases of one country; keys are lower case with dots removed. */
const ALIASES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["us", "usa", "america", "american", "americans", "unitedstates"]),
  new Set(["uk", "britain", "british", "greatbritain", "unitedkingdom"]),
];

/** Titles and company suffixes: capitalised, but no name of their own. */
export const NOT_NAMES = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "inc",
  "corp",
  "co",
  "ltd",
  "llc",
  "plc",
  "jr",
  "sr",
]);

/** Edit distance ≤ 1 (one letter inserted, deleted or changed). */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) {
    return false;
  }
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) {
      return false;
    }
    if (a.length > b.length) {
      i++;
    } else if (b.length > a.length) {
      j++;
    } else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** "italy" / "italian", "syria" / "syrian", "afghanistan" / "afghan": a stem and a short ending. */
function demonym(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const stem = short.replace(/[aeiouy]$/, "");
  return stem.length >= 4 && long.startsWith(stem) && long.length - stem.length <= 5;
}

export function sameName(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  if (Math.min(a.length, b.length) >= 6 && oneEditApart(a, b)) {
    return true;
  }
  return demonym(a, b) || ALIASES.some((set) => set.has(a) && set.has(b));
}
