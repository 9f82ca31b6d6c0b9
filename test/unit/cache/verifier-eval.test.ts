// The evaluation harness the cache bench calls: threshold calibration on made-up scores, then a
// small evenly spread sample of the dev pairs through USE-lite and the rule verifier (the full
// run is `npm run bench -- verifier`).
import { describe, expect, it } from "vitest";
import { RuleVerifier } from "../../../shared/cache/verifier/rule-verifier.ts";
import { hasCacheDevData, loadCacheDevPairs, type LabelledPair } from "../../support/cache-dev-pairs.ts";
import {
  calibrateThreshold,
  evaluateAt,
  scoreDevPairs,
  verifierLatency,
  type PairScore,
} from "../../support/verifier-eval.ts";

function score(label: LabelledPair["label"], cosine: number, ok = true): PairScore {
  return {
    pair: { source: "sick", a: "a", b: "b", label },
    cosine,
    verdict: ok ? { ok: true } : { ok: false, reason: "negation" },
  };
}

describe("verifier evaluation", () => {
  it("calibrates the threshold on negatives without the verifier and reports both sides", () => {
    const negatives = Array.from({ length: 200 }, (_, i) => score(i % 2 ? "different" : "contradiction", i / 200));
    const scores = [
      ...negatives,
      score("paraphrase", 0.999),
      score("paraphrase", 0.5),
      score("contradiction", 0.999, false),
    ];
    const threshold = calibrateThreshold(scores, 0.01);
    const at = evaluateAt(scores, threshold);
    // 201 negatives, 1 % allowed: the two highest (0.999 and 0.995) hit, the third does not.
    expect(at.negatives.unverified).toBeCloseTo(2 / 201, 6);
    expect(at.negatives.verified).toBeCloseTo(1 / 201, 6);
    expect(at.paraphrase).toEqual({ pairs: 2, unverified: 0.5, verified: 0.5 });
    expect(at.rejected.negative.negation).toBe(1);
  });

  it.skipIf(!hasCacheDevData())("runs on a sample of the dev pairs: the verifier removes contradictions", async () => {
    const all = loadCacheDevPairs();
    const contradictions = all.filter((p) => p.label === "contradiction").filter((_, i) => i % 5 === 0);
    const others = all.filter((p) => p.label !== "contradiction").filter((_, i) => i % 40 === 0);
    const scores = await scoreDevPairs({ pairs: [...contradictions, ...others] });
    const at = evaluateAt(scores, 0.85);
    expect(at.contradiction.pairs).toBe(contradictions.length);
    expect(at.contradiction.unverified).toBeGreaterThan(0.2);
    expect(at.contradiction.verified).toBeLessThan(at.contradiction.unverified / 4);
    expect(at.paraphrase.verified).toBeGreaterThan(at.paraphrase.unverified * 0.7);
    expect(verifierLatency(new RuleVerifier({ memo: 0 }), others, 1).pairs).toBe(others.length);
  });
});
