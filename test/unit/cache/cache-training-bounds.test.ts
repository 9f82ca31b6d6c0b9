// The learning cache's per-tenant state stays bounded (pairs, feedback and scorer history drop
// their oldest first) and a capped feedback list still counts as new feedback for the schedule.
import { describe, expect, it } from "vitest";
import { CacheTraining } from "../../../control/cache-training/cache-training.ts";
import { pairHash } from "../../../shared/cache/scorer/pair-hash.ts";
import type { FeedbackExample } from "../../../shared/cache/scorer/feedback-example.ts";
import { operatorPairs } from "../../support/scorer-pairs.ts";

const verdict = (at: number, features: readonly number[]): FeedbackExample => ({
  features: [...features],
  label: 1,
  pair: pairHash(`How do I reset my password ${at}?`, `How can I reset my password ${at}?`),
  cached: `How do I reset my password ${at}?`,
  incoming: `How can I reset my password ${at}?`,
  at,
});

describe("cache training bounds", () => {
  it("keeps the newest pairs and feedback and still retrains on feedback past the cap", async () => {
    const pairs = operatorPairs(21);
    const training = new CacheTraining({ maxFeedback: 2, maxPairs: pairs.length - 1 });
    expect(training.addPairs("acme", pairs)).toBe(pairs.length - 1);
    const features = pairs[0]?.features ?? [];
    training.addFeedback("acme", verdict(1, features));
    training.addFeedback("acme", verdict(2, features));
    expect((await training.runDue()).size).toBe(1);
    expect((await training.runDue()).size).toBe(0);
    // The list is full: its length no longer grows, the new verdict must still be seen.
    training.addFeedback("acme", verdict(3, features));
    expect(training.snapshot("acme").feedback.map((f) => f.at)).toEqual([2, 3]);
    expect([...(await training.runDue()).keys()]).toEqual(["acme"]);
  });
});
