// The cache's lookup order after an L1 miss: exact-first until the isolate has seen enough
// lookups, embed-first (one object call) while the object rarely answers exactly, and back to
// exact-first when repeats come back; counts older than the window stop counting.
import { describe, expect, it } from "vitest";
import { LookupOrder } from "../../../edge/cache/lookup-order.ts";

describe("LookupOrder", () => {
  it("embeds first only once paraphrases dominate, and goes back when exact repeats return", () => {
    let now = 0;
    const order = new LookupOrder({ windowMs: 10_000, minSamples: 50, maxExactShare: 0.02, now: () => now });
    for (let i = 0; i < 49; i++) {
      order.record(false);
    }
    expect(order.embedFirst()).toBe(false); // too few lookups to judge
    order.record(false);
    expect(order.embedFirst()).toBe(true);
    order.record(true); // 1 of 51: under 2%
    expect(order.embedFirst()).toBe(true);
    order.record(true); // 2 of 52: over 2%
    expect(order.embedFirst()).toBe(false);
    // A window later the old lookups are gone: too few samples again.
    now += 11_000;
    expect(order.embedFirst()).toBe(false);
  });
});
