/**
 * The `outcomes` feedback sink: a verdict on a remembered answer becomes an outcome of that model
 * version; another tenant's feedback, a label that is no verdict, an expired or unknown id, and a
 * repeated feedback do not count.
 */
import { describe, expect, it } from "vitest";
import { OutcomeSink } from "../../../edge/monitoring/outcome-sink.ts";

function event(tenant: string, feedback: Record<string, unknown>) {
  return { tenant, feedback: { request_id: "r1", ...feedback }, receivedAt: 0 };
}

describe("outcome sink", () => {
  it("counts a verdict once, for its own tenant only; a label that is no verdict does not count", async () => {
    let now = 0;
    const sink = new OutcomeSink({ ttlMs: 1000, now: () => now });
    sink.remember("r1", { tenant: "acme", model: "clf", version: "1.0.0" });
    expect(await sink.accept(event("other", { label: "correct" }))).toBe(false);
    // A class name is no verdict on an answer: no served task answers with a label to compare it with.
    expect(await sink.accept(event("acme", { label: "spam" }))).toBe(false);
    expect(await sink.accept(event("acme", { label: "correct" }))).toBe(true);
    expect(await sink.accept(event("acme", { label: "correct" }))).toBe(false);
    sink.remember("r1", { tenant: "acme", model: "clf", version: "1.0.0" });
    expect(await sink.accept(event("acme", { label: false }))).toBe(true);
    sink.remember("r1", { tenant: "acme", model: "clf", version: "2.0.0" });
    now = 2000;
    expect(await sink.accept(event("acme", { score: 1 }))).toBe(false);
    expect(sink.drain()).toEqual([{ model: "clf", version: "1.0.0", good: 1, total: 2 }]);
    expect(sink.drain()).toEqual([]);
  });

  it("keeps at most maxEntries answers, forgetting the oldest", async () => {
    const sink = new OutcomeSink({ maxEntries: 2 });
    for (const id of ["a", "b", "c"]) {
      sink.remember(id, { tenant: "t", model: "m", version: "1.0.0" });
    }
    const on = (id: string) => sink.accept({ tenant: "t", feedback: { request_id: id, score: 1 }, receivedAt: 0 });
    expect(await on("a")).toBe(false);
    expect(await on("c")).toBe(true);
  });
});
