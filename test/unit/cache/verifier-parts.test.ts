// The verifier's parts: tokens (contractions, possessives, sentence starts), numbers and units,
// dates, and the numeric features a pair scorer will train on.
import { describe, expect, it } from "vitest";
import { analyse } from "../../../shared/cache/verifier/analyse.ts";
import { featureVector, PAIR_FEATURES } from "../../../shared/cache/verifier/compare.ts";
import { RuleVerifier } from "../../../shared/cache/verifier/rule-verifier.ts";
import { tokenize } from "../../../shared/cache/verifier/tokenize.ts";
import { RecentMemo } from "../../../shared/cache/recent-memo.ts";

describe("verifier tokens", () => {
  it("expands contractions and marks possessives and sentence starts", () => {
    const tokens = tokenize("John's phone can't connect. Why?");
    expect(tokens.map((t) => t.text)).toEqual(["John", "phone", "can", "not", "connect", ".", "Why", "?"]);
    expect(tokens[0]).toMatchObject({ possessive: true, capitalised: true, sentenceStart: true });
    expect(tokens[6]?.sentenceStart).toBe(true);
  });

  it("keeps number-like runs whole", () => {
    expect(tokenize("$1,000.50 for 3.5km at 15:00 on 2024-03-01").map((t) => [t.text, t.kind])).toEqual([
      ["$1,000.50", "number"],
      ["for", "word"],
      ["3.5km", "number"],
      ["at", "word"],
      ["15:00", "number"],
      ["on", "word"],
      ["2024-03-01", "number"],
    ]);
  });
});

function keys(text: string): string[] {
  return analyse(text).quantities.map((q) => q.key);
}

describe("verifier values", () => {
  it("reads digits, words, scales, currencies and units into comparable keys", () => {
    expect(keys("three hundred and twenty five")).toEqual(["n:325"]);
    expect(keys("$2.5bn and 3.5 million")).toEqual(["currency-usd:2500000000", "n:3500000"]);
    expect(keys("1,000 people")).toEqual(keys("one thousand people"));
    expect(keys("2 weeks")).toEqual(keys("14 days"));
    expect(keys("5km")).toEqual(keys("5000 metres"));
    expect(keys("50%")).toEqual(keys("50 per cent"));
  });

  it("reads dates as atoms and leaves them out of the quantities", () => {
    const a = analyse("Meeting on Friday, March 3rd 2024 at 3pm, not next week");
    expect(a.dates).toEqual(["weekday:5", "month:3", "day:3", "year:2024", "time:15:00", "rel:next:week"]);
    expect(a.quantities).toEqual([]);
  });

  it("tells a name with digits from a number ('2FA', 'iPhone 15')", () => {
    const a = analyse("Set up 2FA on my iPhone");
    expect(a.quantities).toEqual([]);
    expect(a.entities.map((e) => e.key).toSorted()).toEqual(["2fa", "iphone"]);
  });
});

describe("verifier features", () => {
  it("gives one number per named feature, in a stable order", () => {
    const { features } = new RuleVerifier().compare("flights under $300 to Paris", "flights over $500 to London");
    expect(Object.keys(features)).toEqual([...PAIR_FEATURES]);
    const vector = featureVector(features);
    expect(vector).toHaveLength(PAIR_FEATURES.length);
    expect(features).toMatchObject({ direction_conflicts: 1, number_substituted: 1, entity_substituted: 1 });
    expect(features.content_jaccard).toBeGreaterThan(0);
  });

  it("is all zero but similarity for a pure rephrasing", () => {
    const { features, findings } = new RuleVerifier().compare(
      "How can I reset my password?",
      "How do I reset my password?",
    );
    expect(findings).toEqual([]);
    expect(features).toMatchObject({
      negation_diff: 0,
      number_substituted: 0,
      entity_substituted: 0,
      content_jaccard: 1,
    });
  });
});

describe("recent-text memo", () => {
  it("computes a text once while it is among the most recent, and again after it was evicted", () => {
    const memo = new RecentMemo<number>(2);
    let computed = 0;
    const length = (text: string) => {
      computed += 1;
      return text.length;
    };
    memo.get("a", length);
    memo.get("b", length);
    memo.get("a", length); // a is now the most recent; b the oldest
    memo.get("c", length); // evicts b
    expect(computed).toBe(3);
    memo.get("a", length);
    expect(computed).toBe(3);
    memo.get("b", length);
    expect(computed).toBe(4);
  });

  it("gives the same verdicts and features with the memo as without it", () => {
    const pairs: Array<[string, string]> = [
      ["The flight is not delayed.", "The flight is delayed."],
      ["How do I reset my password?", "How can I reset my password?"],
      ["Is it possible to undo a payment?", "The payment is impossible to undo."],
    ];
    const withMemo = new RuleVerifier();
    const without = new RuleVerifier({ memo: 0 });
    for (const [a, b] of [...pairs, ...pairs]) {
      expect(withMemo.compare(a, b)).toEqual(without.compare(a, b));
    }
  });
});
