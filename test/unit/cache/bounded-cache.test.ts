// The one bounded cache: entries past the bound go least recently used first, a byte bound
// weighs entries, and a TTL is judged against the given clock — one that starts at 0 included.
import { describe, expect, it } from "vitest";
import { boundedCache } from "../../../shared/cache/bounded-cache.ts";

describe("boundedCache", () => {
  it("keeps at most max entries, dropping the least recently used", () => {
    const cache = boundedCache<string, number>({ max: 2 });
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // b is now the least recently used
    cache.set("c", 3);
    expect([cache.has("a"), cache.has("b"), cache.has("c")]).toEqual([true, false, true]);
  });

  it("keeps at most maxBytes, weighing each entry", () => {
    const cache = boundedCache<string, string>({ maxBytes: 10, sizeOf: (value) => value.length });
    cache.set("a", "xxxx");
    cache.set("b", "yyyy");
    cache.set("c", "zzzz");
    expect([cache.has("a"), cache.has("b"), cache.has("c")]).toEqual([false, true, true]);
  });

  it("serves an entry for ttlMs by the given clock, from a clock at 0 too", () => {
    let now = 0;
    const cache = boundedCache<string, number>({ max: 10, ttlMs: 1000, now: () => now });
    cache.set("a", 1);
    now = 999;
    expect(cache.get("a")).toBe(1);
    now = 1001;
    expect(cache.get("a")).toBeUndefined();
  });
});
