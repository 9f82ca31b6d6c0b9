// The learning cache inside workerd: a tenant's tuned scorer travels to the partition Durable
// Object with the lookup and decides there (a pair it denies misses, the same pair hits with the
// untuned default); the admin route installs a tenant's scorer only for the tenant it names.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { nearVector, seededRandom, unitVector } from "../support/synthetic-vectors.ts";
import { pairHash } from "../../shared/cache/scorer/pair-hash.ts";
import { defaultScorer } from "../../shared/cache/scorer/scorer-model.ts";
import { admin, BASE } from "./helpers.ts";

const answer = { contentType: "application/json", body: '{"ok":true}', modelVersion: "1" };
const cached = "How do I close my account?";
const incoming = "How do I close my account for good?";

const put = (tenant: string, body: unknown) =>
  SELF.fetch(`${BASE}/admin/cache-scorers/${tenant}`, {
    method: "PUT",
    headers: { ...admin(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("cache scorer in workerd", () => {
  it("the scorer in the lookup decides inside the partition Durable Object", async () => {
    const r = seededRandom(21);
    const v = unitVector(r, 512);
    const w = nearVector(v, r, 0.01);
    const p = env.SEMCACHE.getByName("partition-scorer");
    await p.put({ exactKey: "a", semantic: { query: cached, vector: v }, answer, ttlMs: 60_000, capacity: 10 });
    const untuned = defaultScorer(0.953);
    const lookup = (scorer: typeof untuned) =>
      p.lookup({ exactKey: "b", semantic: { query: incoming, vector: w, threshold: 0.9, verifier: "rules", scorer } });
    expect(await lookup(untuned)).toMatchObject({ kind: "semantic", judged: { cachedQuery: cached } });
    const denying = { ...untuned, version: "test-deny", tenant: "acme", deny: [pairHash(cached, incoming)] };
    expect(await lookup(denying)).toMatchObject({ kind: "miss", rejected: { reason: "feedback" } });
  });

  it("PUT /admin/cache-scorers/:tenant refuses another tenant's scorer and rolls back with DELETE", async () => {
    const scorer = { ...defaultScorer(0.9), version: "test-1", tenant: "acme" };
    const wrong = await put("bob", scorer);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: "scorer_tenant_mismatch" } });
    expect((await put("acme", { ...scorer, weights: [] })).status).toBe(400);
    expect(await (await put("acme", scorer)).json()).toEqual({ tenant: "acme", version: "test-1" });
    const got = await SELF.fetch(`${BASE}/admin/cache-scorers/acme`, { headers: admin() });
    expect(await got.json()).toMatchObject({ scorer: { version: "test-1" } });
    await SELF.fetch(`${BASE}/admin/cache-scorers/acme`, { method: "DELETE", headers: admin() });
    const after = await SELF.fetch(`${BASE}/admin/cache-scorers/acme`, { headers: admin() });
    expect(await after.json()).toMatchObject({ scorer: null });
  });
});
