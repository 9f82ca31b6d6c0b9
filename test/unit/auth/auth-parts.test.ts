// The parts of auth that need no Worker: the token bucket's arithmetic, the key store's
// revocation bound, key hashing, JSON shape limits and the audit helper.
import { describe, expect, it } from "vitest";
import { equalDigests, hashKey, keyIdOf, newApiKey } from "../../../edge/auth/api-key.ts";
import { KvKeyStore, type KvLike } from "../../../edge/auth/key-store.ts";
import { type BucketState, fullBucket, take } from "../../../edge/auth/token-bucket.ts";
import { createAuditor, type AuditRecord } from "../../../shared/audit.ts";
import { DEFAULT_JSON_LIMITS, parseJsonWithin } from "../../../shared/http/json-shape.ts";
import type { Logger } from "../../../shared/log.ts";
import { codeOf } from "../../support/api-error-code.ts";

function memoryKv(): KvLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: (k) => Promise.resolve(data.get(k) ?? null),
    put: (k, v) => {
      data.set(k, v);
      return Promise.resolve();
    },
    delete: (k) => {
      data.delete(k);
      return Promise.resolve();
    },
    list: ({ prefix }) =>
      Promise.resolve({
        keys: [...data.keys()].filter((k) => k.startsWith(prefix)).map((name) => ({ name })),
        list_complete: true,
      }),
  };
}

describe("API keys", () => {
  it("stores only the hash, finds the record by the id inside the key, and compares digests in constant time", async () => {
    const { key, record } = await newApiKey({ tenant: "acme", scopes: ["infer", "infer"], created_by: "test" });
    expect(JSON.stringify(record)).not.toContain(key.slice(22));
    expect(record.scopes).toEqual(["infer"]);
    expect(keyIdOf(key)).toBe(record.id);
    expect(keyIdOf(`${key}x`)).toBeUndefined();
    expect(equalDigests(await hashKey(key), record.hash)).toBe(true);
    // One character changed (never to itself: a key ending in "A" would otherwise stay the same key).
    const altered = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    expect(equalDigests(await hashKey(altered), record.hash)).toBe(false);
  });

  it("sees a revocation made elsewhere once its per-isolate cache entry expires (the stated bound)", async () => {
    const kv = memoryKv();
    let now = 0;
    const here = new KvKeyStore(kv, 10_000, () => now);
    const elsewhere = new KvKeyStore(kv, 10_000, () => now);
    const { record } = await newApiKey({ tenant: "acme", scopes: ["infer"], created_by: "test" });
    await elsewhere.put(record);
    expect((await here.get(record.id))?.revoked_at).toBeUndefined();
    await elsewhere.put({ ...record, revoked_at: "2026-01-01T00:00:00Z" });
    // The writer's own isolate sees it at once; another isolate after at most the TTL.
    expect((await elsewhere.get(record.id))?.revoked_at).toBeDefined();
    now = 9_999;
    expect((await here.get(record.id))?.revoked_at).toBeUndefined();
    now = 10_001;
    expect((await here.get(record.id))?.revoked_at).toBeDefined();
    // A record that does not parse authenticates nobody.
    kv.data.set(`apikey:${record.id}`, "{not json");
    now = 30_000;
    expect(await here.get(record.id)).toBeUndefined();
  });
});

describe("token bucket", () => {
  it("admits the per-minute rate, refills continuously, and overshoots tokens by at most one request", () => {
    const limits = { requestsPerMinute: 60, tokensPerMinute: 1000 };
    let state: BucketState = fullBucket(limits, 0);
    let admitted = 0;
    for (let i = 0; i < 120; i++) {
      const r = take(limits, state, { tokens: 0 }, 0);
      state = r.state;
      admitted += r.ok ? 1 : 0;
    }
    expect(admitted).toBe(60);
    const refused = take(limits, state, { tokens: 0 }, 0);
    expect(refused).toMatchObject({ ok: false, retryAfterS: 1 });
    expect(take(limits, state, { tokens: 0 }, 1000).ok).toBe(true);

    let t: BucketState = fullBucket(limits, 0);
    const first = take(limits, t, { tokens: 900 }, 0);
    t = first.state;
    const second = take(limits, t, { tokens: 900 }, 0);
    expect([first.ok, second.ok]).toEqual([true, true]);
    // Balance is now -800: refused until it is positive again (48 s of refill).
    const third = take(limits, second.state, { tokens: 1 }, 0);
    expect(third.ok).toBe(false);
    expect(third.retryAfterS).toBe(49);
  });

  it("never drifts over 10,000 operations at random times", () => {
    const limits = { requestsPerMinute: 100, tokensPerMinute: 5000 };
    let state = fullBucket(limits, 0);
    let now = 0;
    let admittedTokens = 0;
    for (let i = 0; i < 10_000; i++) {
      now += Math.floor(Math.random() * 50);
      const cost = Math.floor(Math.random() * 200);
      const r = take(limits, state, { tokens: cost }, now);
      state = r.state;
      admittedTokens += r.ok ? cost : 0;
      expect(state.requests).toBeGreaterThanOrEqual(0);
      expect(state.tokens).toBeGreaterThan(-200);
    }
    // Admitted tokens never exceed the budget: one minute's worth up front plus the refill, plus one request.
    expect(admittedTokens).toBeLessThanOrEqual(5000 + (now / 60_000) * 5000 + 200);
  });
});

describe("JSON shape limits", () => {
  it("refuses deep nesting before parsing, and long arrays or strings after, with stable codes", () => {
    expect(codeOf(() => parseJsonWithin("[".repeat(1_000_000), DEFAULT_JSON_LIMITS))).toBe("json_too_deep");
    expect(codeOf(() => parseJsonWithin(`{"a":${'{"b":'.repeat(65)}1${"}".repeat(66)}`, DEFAULT_JSON_LIMITS))).toBe(
      "json_too_deep",
    );
    expect(codeOf(() => parseJsonWithin(`{"s":"[[[[${"[".repeat(100)}"}`, DEFAULT_JSON_LIMITS))).toBe("no error");
    const small = { ...DEFAULT_JSON_LIMITS, maxDepth: 8, maxArrayLength: 3, maxStringLength: 5 };
    expect(codeOf(() => parseJsonWithin('{"a":[1,2,3,4]}', small))).toBe("array_too_long");
    expect(codeOf(() => parseJsonWithin('{"a":[{"b":"123456"}]}', small))).toBe("string_too_long");
    expect(codeOf(() => parseJsonWithin('{"a":', small))).toBe("invalid_json");
  });
});

describe("audit log", () => {
  it("records who, what, when and from where, and survives a failing sink", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log: Logger = { log: (_level, event, fields) => lines.push({ event, ...fields }) };
    const stored: AuditRecord[] = [];
    const auditor = createAuditor(
      log,
      async (r) => {
        stored.push(r);
        if (stored.length > 1) {
          throw new Error("sink down");
        }
      },
      () => new Date("2026-11-23T12:00:00Z"),
    );
    const event = {
      actor: "key:0123456789abcdef",
      action: "key.revoke",
      target: "fedcba9876543210",
      from: "203.0.113.9",
      outcome: "ok",
    } as const;
    await auditor.record(event);
    await auditor.record(event);
    expect(stored[0]).toEqual({ ...event, at: "2026-11-23T12:00:00.000Z" });
    expect(lines.filter((l) => l.event === "audit")).toHaveLength(2);
    expect(lines.some((l) => l.event === "audit.sink_failed")).toBe(true);
  });
});
