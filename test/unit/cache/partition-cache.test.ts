import { describe, expect, it } from "vitest";
import { nearVector, seededRandom, unitVector } from "../../support/synthetic-vectors.ts";
import { canonicalJson } from "../../../shared/cache/canonical-json.ts";
import { exactKey, partitionKey } from "../../../shared/cache/cache-keys.ts";
import { MemoryEntryTable } from "../../../shared/cache/memory-entry-table.ts";
import { PartitionCache, STALE_GRACE_MS } from "../../../shared/cache/partition-cache.ts";
import { BinaryRerankIndex } from "../../../shared/cache/vector-index.ts";
import { completeSseEvents, toCachedAnswer } from "../../../edge/cache/capture-answer.ts";
import { cachePolicy } from "../../../edge/cache/cache-policy.ts";

const rng = seededRandom;
const randomUnit = (r: () => number, d = 512) => unitVector(r, d);
const near = nearVector;
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const answer = (body: string) => ({ contentType: "application/json", body, modelVersion: "1" });
const h = (o: Record<string, string>) => new Headers(o);

describe("BinaryRerankIndex", () => {
  it("finds the true nearest neighbour among 20k vectors, with a cosine within 0.005 of the float one", () => {
    const r = rng(7);
    const index = new BinaryRerankIndex();
    const vectors = Array.from({ length: 20_000 }, () => randomUnit(r));
    vectors.forEach((v, i) => index.add(i, index.encode(v)));
    const errors: number[] = [];
    const foundIds: number[] = [];
    const targets = Array.from({ length: 50 }, (_, q) => q * 397);
    for (const target of targets) {
      const query = near(vectors[target] as Float32Array, r, 0.02);
      const [best] = index.search(index.encode(query), 0.5, 1);
      foundIds.push(best?.id ?? -1);
      errors.push(Math.abs((best?.similarity ?? 0) - dot(query, vectors[target] as Float32Array)));
    }
    expect(foundIds).toEqual(targets);
    expect(Math.max(...errors)).toBeLessThan(0.005);
  });

  it("small partitions (every entry re-ranked, no SimHash of the query) and large ones find the same best", () => {
    const r = rng(5);
    for (const size of [3, 64, 65, 300]) {
      const index = new BinaryRerankIndex();
      const vectors = Array.from({ length: size }, () => randomUnit(r));
      vectors.forEach((v, i) => index.add(i, index.encode(v)));
      const target = size - 1;
      const query = near(vectors[target] as Float32Array, r, 0.02);
      const found = index.search(index.encode(query), -1, size);
      expect(found[0]?.id).toBe(target);
      // Up to the re-rank size (64) every entry is scored; past it the prefilter keeps at least 64.
      expect(found.length).toBeGreaterThanOrEqual(Math.min(size, 64));
      expect(found.length).toBeLessThanOrEqual(size);
      expect(found.length === size || size > 64).toBe(true);
    }
  });

  it("removes entries without disturbing the others", () => {
    const r = rng(3);
    const index = new BinaryRerankIndex();
    const a = randomUnit(r);
    const b = randomUnit(r);
    index.add(1, index.encode(a));
    index.add(2, index.encode(b));
    index.remove(1);
    expect(index.size).toBe(1);
    expect(index.search(index.encode(b), 0.9, 5).map((m) => m.id)).toEqual([2]);
    expect(index.search(index.encode(a), 0.9, 5)).toEqual([]);
  });
});

describe("PartitionCache", () => {
  it("hits exactly, then semantically above the threshold only, and says why a verifier refused", () => {
    const r = rng(11);
    const index = new BinaryRerankIndex();
    const cache = new PartitionCache(new MemoryEntryTable(), index);
    const q = randomUnit(r);
    cache.put(
      {
        exactKey: "a",
        semantic: { query: "how do I enable 2fa", vector: index.encode(q) },
        answer: answer("A"),
        now: 0,
        ttlMs: 1000,
      },
      10,
    );
    expect(cache.lookup({ exactKey: "a", now: 1 })).toMatchObject({ kind: "hit", answer: { body: "A" } });
    // One call with both keys (the edge's embed-first order) still answers the exact key as a hit.
    const far0 = randomUnit(r);
    expect(
      cache.lookup({
        exactKey: "a",
        semantic: { query: "something else", vector: index.encode(far0), threshold: 0.95 },
        now: 1,
      }),
    ).toMatchObject({ kind: "hit", answer: { body: "A" } });
    const para = near(q, r, 0.01);
    expect(
      cache.lookup({
        exactKey: "b",
        semantic: { query: "how can I enable 2fa", vector: index.encode(para), threshold: 0.95 },
        now: 1,
      }),
    ).toMatchObject({ kind: "semantic" });
    const far = near(q, r, 0.08);
    expect(dot(far, q)).toBeLessThan(0.95);
    expect(
      cache.lookup({ exactKey: "c", semantic: { query: "x", vector: index.encode(far), threshold: 0.95 }, now: 1 }),
    ).toEqual({ kind: "miss" });
    const verifier = {
      verify: (cached: string, incoming: string) =>
        cached.includes("enable") === incoming.includes("enable")
          ? { ok: true as const }
          : { ok: false as const, reason: "antonym" },
    };
    const refused = cache.lookup({
      exactKey: "d",
      semantic: { query: "how do I disable 2fa", vector: index.encode(para), threshold: 0.95, verifier },
      now: 1,
    });
    expect(refused).toMatchObject({ kind: "miss", rejected: { reason: "antonym" } });
  });

  it("expires after the TTL and evicts the least recently used past capacity", () => {
    const cache = new PartitionCache(new MemoryEntryTable(), new BinaryRerankIndex());
    cache.put({ exactKey: "old", answer: answer("1"), now: 0, ttlMs: 100 }, 2);
    cache.put({ exactKey: "b", answer: answer("2"), now: 1, ttlMs: 1000 }, 2);
    expect(cache.lookup({ exactKey: "old", now: 150 }).kind).toBe("miss");
    cache.put({ exactKey: "c", answer: answer("3"), now: 2, ttlMs: 1000 }, 2);
    cache.lookup({ exactKey: "b", now: 3 }); // b is now more recent than c
    cache.put({ exactKey: "d", answer: answer("4"), now: 4, ttlMs: 1000 }, 2);
    expect(cache.lookup({ exactKey: "c", now: 5 }).kind).toBe("miss");
    expect(cache.lookup({ exactKey: "b", now: 5 }).kind).toBe("hit");
    expect(cache.stats().entries).toBe(2);
  });
});

describe("keys and policy", () => {
  it("canonicalises key order, so field order never splits or merges entries", async () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(await exactKey({ model: "m", input: 1 })).toBe(await exactKey({ input: 1, model: "m" }));
    const base = {
      tenant: "t",
      route: "/v1/chat/completions",
      model: "m",
      modelVersion: "v1",
      fields: { temperature: 0 },
    };
    const keys = await Promise.all([
      partitionKey(base),
      partitionKey({ ...base, tenant: "u" }),
      partitionKey({ ...base, modelVersion: "v2" }),
      partitionKey({ ...base, fields: { temperature: 0.7 } }),
      partitionKey({ ...base, embedder: "e" }),
    ]);
    expect(new Set(keys).size).toBe(5);
  });

  it("reads cache-control and the threshold header", () => {
    expect(cachePolicy(h({}), 0.95)).toEqual({ read: true, write: true, threshold: 0.95 });
    expect(cachePolicy(h({ "cache-control": "no-store" }), 0.95)).toMatchObject({ read: false, write: false });
    expect(cachePolicy(h({ "cache-control": "max-age=0, no-cache" }), 0.95)).toMatchObject({
      read: false,
      write: true,
    });
    expect(cachePolicy(h({ "x-edgefleet-cache-threshold": "0.98" }), 0.95).threshold).toBe(0.98);
    expect(() => cachePolicy(h({ "x-edgefleet-cache-threshold": "0.9" }), 0.95)).toThrow(/not lower it below 0.95/);
    expect(() => cachePolicy(h({ "x-edgefleet-cache-threshold": "abc" }), 0.95)).toThrow(/must be a number/);
  });
});

describe("admission", () => {
  it("stores complete streams only: never cut, never errored, never non-200", () => {
    const full = 'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n';
    expect(completeSseEvents(full)).toEqual(['{"a":1}', '{"a":2}']);
    expect(completeSseEvents('data: {"a":1}\n\n')).toBeUndefined();
    expect(completeSseEvents('data: {"a":1}\n\nevent: error\ndata: {"error":{"message":"cut"}}\n\n')).toBeUndefined();
    expect(completeSseEvents('data: {"a":1}\n\ndata: {"error":{"message":"x"}}\n\ndata: [DONE]\n\n')).toBeUndefined();
    expect(toCachedAnswer(200, "text/event-stream", full, "1")?.events).toHaveLength(2);
    expect(toCachedAnswer(500, "application/json", "{}", "1")).toBeUndefined();
    expect(toCachedAnswer(200, "text/html", "<p>", "1")).toBeUndefined();
  });
});

describe("stale answers for outages", () => {
  it("keeps an expired entry for the grace window, served only when asked for stale", () => {
    const cache = new PartitionCache(new MemoryEntryTable(), new BinaryRerankIndex());
    cache.put({ exactKey: "q", answer: answer("old"), now: 0, ttlMs: 100 }, 10);
    expect(cache.lookup({ exactKey: "q", now: 150 }).kind).toBe("miss");
    expect(cache.lookup({ exactKey: "q", now: 150, allowStale: true })).toMatchObject({
      kind: "stale",
      ageMs: 50,
      answer: { body: "old" },
    });
    expect(cache.lookup({ exactKey: "q", now: 100 + STALE_GRACE_MS + 1, allowStale: true }).kind).toBe("miss");
    expect(cache.stats().entries).toBe(0);
  });
});
