/**
 * @module
 * Splits a request into tokens for the verifier: words (contractions expanded, possessives
 * marked), number-like tokens kept whole ("$1,000.50", "3.5km", "15:00", "2024-03-01") and
 * punctuation. Every token remembers whether it was capitalised and whether it starts a sentence,
 * which is what entity detection needs.
 *
 * Hand-written: the NLP libraries that tokenise English and run in workerd are either several MB
 * (wink-nlp's model: 3.6 MB minified) or ~1 ms a sentence (compromise), far over this check's
 * budget of a few microseconds; a regular expression does the part the verifier needs.
 */

export type TokenKind = "word" | "number" | "symbol";

export interface Token {
  /** As written, except contractions: "don't" gives "do" and "not". */
  readonly text: string;
  readonly lower: string;
  readonly kind: TokenKind;
  /** First letter upper case in the source. */
  readonly capitalised: boolean;
  /** First token of the text or of a sentence inside it. */
  readonly sentenceStart: boolean;
  /** Written with a possessive "'s" (or "s'"), which is removed from `text`. */
  readonly possessive: boolean;
}

// Order matters: URLs and e-mail addresses, then number-like runs, then words (with inner
// apostrophes, hyphens and dots: "don't", "two-factor", "node.js"), then any other single character.
const TOKEN_RE =
  /https?:\/\/[^\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[$€£¥]?\d+(?:[.,:/-]\d+)*(?:[A-Za-z%°]+\d*)?|[A-Za-z]+(?:'[A-Za-z]+)*(?:[-.][A-Za-z0-9]+)*|[^\sA-Za-z\d]/g;

const SENTENCE_END = new Set([".", "!", "?", ";", ":", '"', "(", "[", "\n"]);

/** Pronouns and question words whose "'s" is "is" or "has", never a possessive. */
const IS_CONTRACTED = new Set([
  "it",
  "he",
  "she",
  "that",
  "there",
  "here",
  "what",
  "who",
  "where",
  "when",
  "why",
  "how",
  "this",
  "everyone",
  "someone",
  "nobody",
  "somebody",
  "everything",
  "something",
  "nothing",
]);

/** What is left of "can't", "won't", "shan't", "ain't" once "n't" is cut. */
const IRREGULAR_NOT: Record<string, string> = { ca: "can", wo: "will", sha: "shall", ai: "is" };

/** Contractions typed without the apostrophe ("dont", "isnt"); "wont" and "cant" are words too, rarely in requests. */
const BARE_NOT = new Set(
  "dont doesnt didnt isnt arent wasnt werent cant couldnt shouldnt wouldnt wont hasnt havent hadnt aint".split(" "),
);

const SUFFIX_WORDS: Record<string, string> = { re: "are", ve: "have", ll: "will", d: "would", m: "am" };

function normalise(text: string): string {
  // Accents are dropped ("Chrétien" meets "Chretien"); the regular expressions below see ASCII letters.
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2010-\u2015]/g, (dash) => (dash === "\u2010" || dash === "\u2011" ? "-" : " - "));
}

function isUpper(ch: string | undefined): boolean {
  return ch !== undefined && ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

/** Expands one word with apostrophes into one or more tokens' texts; `possessive` when "'s" was dropped. */
function expand(word: string): { parts: string[]; possessive: boolean } {
  const lower = word.toLowerCase();
  const nt = /^(.+?)n't$/.exec(lower) ?? (BARE_NOT.has(lower) ? /^(.+?)nt$/.exec(lower) : null);
  if (nt?.[1] !== undefined) {
    const base = IRREGULAR_NOT[nt[1]] ?? nt[1];
    return { parts: [matchCase(word, base), "not"], possessive: false };
  }
  const quote = word.lastIndexOf("'");
  if (quote > 0) {
    const stem = word.slice(0, quote);
    const suffix = lower.slice(quote + 1);
    if (suffix === "s") {
      return IS_CONTRACTED.has(stem.toLowerCase())
        ? { parts: [stem, "is"], possessive: false }
        : { parts: [stem], possessive: true };
    }
    const full = SUFFIX_WORDS[suffix];
    if (full !== undefined) {
      return { parts: [stem, full], possessive: false };
    }
  }
  return { parts: [word], possessive: false };
}

function matchCase(original: string, replacement: string): string {
  return isUpper(original[0]) ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
}

export function tokenize(input: string): Token[] {
  const text = normalise(input);
  const tokens: Token[] = [];
  let sentenceStart = true;
  for (const match of text.matchAll(TOKEN_RE)) {
    const raw = match[0];
    const first = raw[0] ?? "";
    if (/[A-Za-z]/.test(first) && !raw.includes("@") && !raw.startsWith("http")) {
      const { parts, possessive } = expand(raw);
      parts.forEach((part, i) => {
        tokens.push({
          text: part,
          lower: part.toLowerCase(),
          kind: "word",
          capitalised: isUpper(part[0]),
          sentenceStart: sentenceStart && i === 0,
          possessive: possessive && i === parts.length - 1,
        });
      });
      sentenceStart = false;
      continue;
    }
    const kind: TokenKind = /\d/.test(first) || (/^[$€£¥]/.test(first) && raw.length > 1) ? "number" : "symbol";
    const isLink = raw.includes("@") || raw.startsWith("http");
    tokens.push({
      text: raw,
      lower: raw.toLowerCase(),
      kind: isLink ? "word" : kind,
      capitalised: false,
      sentenceStart,
      possessive: false,
    });
    // A trailing possessive after a plural ("students' rooms") arrives as a lone "'": drop it.
    sentenceStart = kind === "symbol" && SENTENCE_END.has(raw);
  }
  return tokens.filter((t) => t.text !== "'");
}
