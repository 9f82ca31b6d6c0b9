// The cache verifier inside workerd: the module and its npm dependency (stemmer) load in the
// Worker runtime, and verdicts match the Node unit tests on a few pairs.
import { describe, expect, it } from "vitest";
import { featureVector, PAIR_FEATURES } from "../../shared/cache/verifier/compare.ts";
import { RuleVerifier } from "../../shared/cache/verifier/rule-verifier.ts";

describe("rule verifier in workerd", () => {
  const verifier = new RuleVerifier();

  it("rejects opposite requests with their reason and passes rephrasings", () => {
    const cases: Array<[string, string, string]> = [
      ["How do I enable two-factor login?", "How do I disable two-factor login?", "antonym"],
      ["flights under $300", "flights over $300", "direction"],
      ["A man is playing a guitar", "A man is not playing a guitar", "negation"],
      ["Weather in Paris tomorrow", "Weather in London tomorrow", "entity"],
      ["Book a table for two", "Book a table for four", "number"],
      ["How can I reset my password?", "What's the way to reset my password?", "ok"],
      ["Which iPhones support eSIM?", "which iphone supports esim", "ok"],
    ];
    for (const [cached, incoming, expected] of cases) {
      const verdict = verifier.verify(cached, incoming);
      expect({ cached, incoming, reason: verdict.ok ? "ok" : verdict.reason }).toEqual({
        cached,
        incoming,
        reason: expected,
      });
    }
  });

  it("exposes the rule signals as a feature vector", () => {
    const { features } = verifier.compare("Convert 5 km to feet", "Convert 5 miles to feet");
    expect(features.unit_mismatches).toBe(1);
    expect(featureVector(features)).toHaveLength(PAIR_FEATURES.length);
  });
});
