// A tenant's cache scorer rolled out like a model: a real control plane with a signed registry,
// two real edge PoPs (the Worker bundle in workerd, USE-lite embedder, a fake LLM origin). A
// lenient scorer on a 50 % canary makes a paraphrase a semantic hit on the canary PoP only;
// promote → both; a scorer that denies the pair → it misses everywhere; rollback → it hits
// again; a scorer whose file was tampered with in the registry is refused and the old one serves;
// a canary scorer whose hits feedback marks wrong is rolled back by the health gate.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEdgeBundle } from "../../cli/local/edge-bundle.ts";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { seedEdge } from "../../cli/local/seed-edge.ts";
import { devTenantOf } from "../../edge/cache/tenant.ts";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { scorerModelId } from "../../shared/cache/scorer/published-scorer.ts";
import { pairHash } from "../../shared/cache/scorer/pair-hash.ts";
import { inCanary } from "../../shared/sync/cohort.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { defaultModels } from "../support/native-reference.ts";
import { postJson, TEST_AWS } from "../support/origin-fixtures.ts";
import { makeKeys, makeRegistry, type Keyring, type TestRegistry } from "../support/registry-fixture.ts";
import { floorScorer, publishScorer } from "../support/scorer-versions.ts";
import { popIds, syncedEdgeVars, syncEdges } from "../support/sync-fleet.ts";
import { cacheVerdict, untilCached } from "../support/until-cached.ts";

const ADMIN = "scorer-admin";
const OPERATOR = "scorer-operator";
const EDGE = "scorer-edge";
const CREDENTIAL = "acme-secret";
const POPS = popIds("pop", 2, 1, 50);
// USE-lite puts these near 0.85: below the untuned 0.953, above the lenient scorer's 0.8.
const CACHED = "How do I reset my password?";
const INCOMING = "Steps to reset my password please";

let keys: Keyring;
let registry: TestRegistry;
let control: RunningControlPlane;
let operator: ControlClient;
let origin: FakeOrigin;
let edges: RunningEdge[] = [];
let tenant: string;
let model: string;

beforeAll(async () => {
  keys = await makeKeys();
  registry = await makeRegistry(keys);
  control = await startControlPlane({ registryDir: registry.dir, operatorToken: OPERATOR, edgeToken: EDGE });
  operator = new ControlClient(control.url, OPERATOR);
  origin = await startFakeOrigin("llm-eu");
  tenant = await devTenantOf(CREDENTIAL);
  model = scorerModelId(tenant);
  const synced = await syncedEdgeVars(control.url, EDGE, registry.dir);
  const bundle = await buildEdgeBundle("dist/edge-scorer-rollout");
  const useLite = (await defaultModels()).filter((m) => m.manifest.id === "use-lite");
  edges = await Promise.all(
    POPS.map(async (pop) => {
      const edge = await startEdge({
        pop,
        adminToken: ADMIN,
        bundle,
        vars: {
          ...synced,
          AUTH_CACHE_TTL_S: "1",
          CACHE_SCORER_TTL_S: "1",
          LOG_LEVEL: "error",
          ORIGINS: JSON.stringify({
            origins: [{ id: "eu", region: "eu", endpoint: origin.url, models: ["fake-llm"] }],
            model_versions: { "fake-llm": "2026-11-01" },
          }),
          ...TEST_AWS,
        },
      });
      await seedEdge(edge.url, ADMIN, useLite);
      return edge;
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await control?.close();
  await origin?.stop();
});

const syncAll = () => syncEdges(edges, ADMIN);

let round = 0;

/** Per PoP: the cache's answer to the paraphrase once the original is cached (a fresh partition each probe). */
async function probe(): Promise<Record<string, string | null>> {
  round++;
  const auth = { authorization: `Bearer ${CREDENTIAL}` };
  const ask = (question: string) => ({
    model: "fake-llm",
    messages: [{ role: "user", content: question }],
    temperature: 0,
    // Part of the partition key: every probe starts on an empty partition.
    max_tokens: 100 + round,
  });
  const out: Record<string, string | null> = {};
  for (const e of edges) {
    const cached = () => postJson(e.url, "/v1/chat/completions", ask(CACHED), auth);
    expect(await cacheVerdict(await cached())).toBe("miss");
    await cacheVerdict(await untilCached(cached)); // its fill has landed
    const second = await postJson(e.url, "/v1/chat/completions", ask(INCOMING), auth);
    await second.text();
    const rejected = second.headers.get("x-edgefleet-cache-rejected");
    out[e.pop] = `${second.headers.get("x-edgefleet-cache")}${rejected ? `:${rejected}` : ""}`;
  }
  return out;
}

/** A chat request on one fixed partition (the gate test's). */
const askFixed = (question: string) => ({
  model: "fake-llm",
  messages: [{ role: "user", content: question }],
  max_tokens: 7,
});

type Served = { served: string | undefined; state: string | undefined; error?: string | undefined };

async function served(): Promise<Record<string, Served>> {
  const status = await operator.status();
  return Object.fromEntries(
    status.pops.map((p) => {
      const m = p.models.find((x) => x.model === model);
      return [p.pop, { served: m?.served, state: m?.state, error: m?.error }];
    }),
  );
}

describe("cache scorer rollout through the registry", () => {
  it("canary → promote → a denying scorer → rollback; a tampered scorer is refused", async () => {
    const [canaryPop, otherPop] = POPS as [string, string];
    expect(inCanary(canaryPop, 50) && !inCanary(otherPop, 50)).toBe(true);

    // Stable: the tenant's scorer at the untuned floor; the paraphrase is below it and misses everywhere.
    await publishScorer(registry, keys, await floorScorer(tenant, 0.953), "1.0.0");
    await operator.rollout({ model, version: "1.0.0", channel: "stable" });
    expect(await syncAll()).toEqual({ [canaryPop]: [], [otherPop]: [] });
    expect(await probe()).toEqual({ [canaryPop]: "miss", [otherPop]: "miss" });

    // A lenient scorer on the canary: only the canary PoP hits.
    const lenient = await floorScorer(tenant, 0.8);
    await publishScorer(registry, keys, lenient, "1.1.0");
    await operator.rollout({ model, version: "1.1.0", channel: "canary", percent: 50 });
    await syncAll();
    expect(await probe()).toEqual({ [canaryPop]: "semantic", [otherPop]: "miss" });
    expect(await served()).toEqual({
      [canaryPop]: { served: "1.1.0", state: "serving" },
      [otherPop]: { served: "1.0.0", state: "serving" },
    });

    await operator.promote(model);
    await syncAll();
    expect(await probe()).toEqual({ [canaryPop]: "semantic", [otherPop]: "semantic" });

    // The same scorer, with the pair marked wrong: refused everywhere.
    await publishScorer(registry, keys, await floorScorer(tenant, 0.8, [pairHash(CACHED, INCOMING)]), "1.2.0");
    await operator.rollout({ model, version: "1.2.0", channel: "stable" });
    await syncAll();
    expect(await probe()).toEqual({ [canaryPop]: "miss:feedback", [otherPop]: "miss:feedback" });

    await operator.rollback(model);
    await syncAll();
    expect(await probe()).toEqual({ [canaryPop]: "semantic", [otherPop]: "semantic" });
    expect(Object.values(await served()).map((s) => s.served)).toEqual(["1.1.0", "1.1.0"]);

    // A scorer whose bytes in the registry no longer match their signed sha256: refused, 1.1.0 serves on.
    const strict = await publishScorer(registry, keys, await floorScorer(tenant, 0.99), "1.3.0");
    const file = strict.manifest.files[0];
    if (!file) {
      throw new Error("the scorer manifest has no file");
    }
    expect(file.chunks).toHaveLength(1);
    const blobPath = join(registry.dir, "blobs", "sha256", file.chunks?.[0]?.sha256 ?? "");
    const honest = await readFile(blobPath, "utf8");
    await writeFile(blobPath, honest.replace('"threshold": 0.5', '"threshold": 0.1'));
    await operator.rollout({ model, version: "1.3.0", channel: "stable" });
    expect(await syncAll()).toEqual({ [canaryPop]: [model], [otherPop]: [model] });
    for (const refused of Object.values(await served())) {
      expect(refused).toMatchObject({ served: "1.1.0", state: "failed" });
      expect(refused.error).toMatch(/CHUNK_HASH_MISMATCH|sha256/);
    }
    expect(await probe()).toEqual({ [canaryPop]: "semantic", [otherPop]: "semantic" });
  }, 120_000);

  it("a canary scorer whose semantic hits feedback marks wrong is rolled back by the gate", async () => {
    const [canaryPop] = POPS as [string, string];
    const canaryEdge = edges.find((e) => e.pop === canaryPop);
    if (!canaryEdge) {
      throw new Error("no canary PoP");
    }
    const credential = "globex-secret";
    const auth = { authorization: `Bearer ${credential}` };
    const other = await devTenantOf(credential);
    const otherModel = scorerModelId(other);
    await publishScorer(registry, keys, await floorScorer(other, 0.953), "1.0.0");
    await operator.rollout({ model: otherModel, version: "1.0.0", channel: "stable" });
    await publishScorer(registry, keys, await floorScorer(other, 0.8), "1.1.0");
    await operator.rollout({ model: otherModel, version: "1.1.0", channel: "canary", percent: 50 });
    await syncAll();

    const cached = () => postJson(canaryEdge.url, "/v1/chat/completions", askFixed(CACHED), auth);
    await (await cached()).text();
    await cacheVerdict(await untilCached(cached)); // its fill has landed
    // 20 semantic hits of the canary scorer (the gate's minimum), 4 of them reported wrong (20% > 5%).
    const hits: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await postJson(canaryEdge.url, "/v1/chat/completions", askFixed(INCOMING), auth);
      await res.text();
      expect(res.headers.get("x-edgefleet-cache")).toBe("semantic");
      hits.push(res.headers.get("x-request-id") ?? "");
    }
    for (const id of hits.slice(0, 4)) {
      const fb = await postJson(canaryEdge.url, "/v1/feedback", { request_id: id, label: "wrong" }, auth);
      await fb.text();
      expect(fb.status).toBe(202);
    }
    await syncAll(); // the report carries the scorer version's health: the gate rolls the canary back
    const rollout = (await operator.status()).rollouts.find((r) => r.model === otherModel);
    expect(rollout).toMatchObject({ reason: "auto-rollback", stable: "1.0.0" });
    expect(rollout?.canary).toBeUndefined();
    expect(rollout?.note).toMatch(/error rate/);
    await syncAll();
    expect((await operator.status()).pops.find((p) => p.pop === canaryPop)?.models).toContainEqual(
      expect.objectContaining({ model: otherModel, served: "1.0.0" }),
    );
  }, 120_000);
});
