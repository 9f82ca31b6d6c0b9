// Candidate ordering: priority tiers, open breakers and cool-downs left out, load-aware picks.
import { describe, expect, it } from "vitest";
import { OriginState } from "../../../edge/router/origin-state.ts";
import { OriginTableSchema } from "../../../edge/router/origin-table.ts";
import { orderCandidates } from "../../../edge/router/select.ts";

const table = OriginTableSchema.parse({
  origins: [
    { id: "a", region: "eu-west", endpoint: "http://a.test" },
    { id: "b", region: "eu-central", endpoint: "http://b.test" },
    { id: "l", region: "us-east-1", kind: "lambda", endpoint: "http://l.test", function_name: "f", priority: 1 },
    { id: "x", region: "ap-south", endpoint: "http://x.test", models: ["other"] },
  ],
});
const make = () => table.origins.map((e) => new OriginState(e, table.policy, () => 0));
const ids = (list: OriginState[]) => list.map((o) => o.entry.id);

describe("orderCandidates", () => {
  it("keeps better tiers first and skips origins that do not serve the model", () => {
    const order = ids(orderCandidates(make(), "m", 0, 50));
    expect(order.slice(0, 2).toSorted()).toEqual(["a", "b"]);
    expect(order[2]).toBe("l");
    expect(order).not.toContain("x");
  });

  it("prefers the clearly less loaded (or faster) of two alike origins", () => {
    const [a, b] = make() as [OriginState, OriginState];
    a.latency.record(10, 0);
    b.latency.record(10, 0);
    a.queueDepth = 8;
    for (let i = 0; i < 20; i++) {
      expect(orderCandidates([a, b], "m", 0, 50)[0]?.entry.id).toBe("b");
    }
  });

  it("leaves out origins that are cooling down or whose breaker is open", () => {
    const states = make();
    const [a, b] = states as [OriginState, OriginState];
    a.coolingUntil = 5000;
    for (let i = 0; i < 5; i++) {
      b.breaker.onFailure(b.breaker.tryAcquire());
    }
    expect(ids(orderCandidates(states, "m", 1000, 50))).toEqual(["l"]);
  });
});
