// The learning cache end to end: the real edge Worker in workerd with the real USE-lite
// embedder, a control plane's cache-training routes over real HTTP. A semantic hit is marked
// wrong through POST /v1/feedback, the tenant's scorer is retrained and installed, and the same
// pair no longer hits; a candidate that would raise false hits is refused and the old one stays.
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEdge, type RunningEdge } from "../../cli/local/edge-miniflare.ts";
import { devTenantOf } from "../../edge/cache/tenant.ts";
import { CacheTraining } from "../../control/cache-training/cache-training.ts";
import { cacheTrainingRoutes } from "../../control/cache-training/routes.ts";
import { tuneScorer } from "../../shared/cache/scorer/tune.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { postJson, seedEmbedder, TEST_AWS } from "../support/origin-fixtures.ts";
import { cacheVerdict, untilAnswer, untilCached } from "../support/until-cached.ts";
import { operatorPairs } from "../support/scorer-pairs.ts";

let edge: RunningEdge;
let origin: FakeOrigin;
let control: Server;
let controlUrl: string;
let brokenTuner = false;
const training = new CacheTraining({
  tune: async (examples, options) => {
    const model = await tuneScorer(examples, options);
    // The refusal check: a tuner gone wrong that would accept every candidate.
    return brokenTuner ? { ...model, threshold: 0, candidate_floor: 0, veto: false } : model;
  },
});
const pass = async (_c: unknown, next: () => Promise<void>) => next();
const AUTH = { authorization: "Bearer acme-secret" };

beforeAll(async () => {
  const app = cacheTrainingRoutes(training, { edge: pass, operator: pass });
  control = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
  });
  controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  origin = await startFakeOrigin("llm-eu");
  edge = await startEdge({
    pop: "learn",
    adminToken: "test-admin",
    vars: {
      ORIGINS: JSON.stringify({
        origins: [{ id: "eu", region: "eu", endpoint: origin.url, models: ["fake-llm"] }],
        model_versions: { "fake-llm": "2026-11-01" },
      }),
      CONTROL_URL: controlUrl,
      LOG_LEVEL: "error",
      AUTH_CACHE_TTL_S: "1",
      CACHE_SCORER_TTL_S: "1",
      ...TEST_AWS,
    },
  });
  await seedEmbedder(edge.url);
});

afterAll(async () => {
  await edge?.close();
  await origin?.stop();
  control?.close();
});

const ask = (question: string) => ({
  model: "fake-llm",
  messages: [{ role: "user", content: question }],
  temperature: 0,
});

const post = (question: string) => postJson(edge.url, "/v1/chat/completions", ask(question), AUTH);

async function send(question: string) {
  const res = await post(question);
  await res.text();
  return {
    cache: res.headers.get("x-edgefleet-cache"),
    rejected: res.headers.get("x-edgefleet-cache-rejected"),
    requestId: res.headers.get("x-request-id") ?? "",
  };
}

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe("learning cache", () => {
  it("feedback marks a semantic hit wrong → retrain → the same pair no longer hits; a worse scorer is refused", async () => {
    const tenant = await devTenantOf("acme-secret");
    const cached = "How do I reset my password?";
    const incoming = "How can I reset my password?";
    expect((await send(cached)).cache).toBe("miss");
    await cacheVerdict(await untilCached(() => post(cached))); // its fill has landed
    const hit = await send(incoming);
    expect(hit.cache).toBe("semantic");

    const feedback = await postJson(edge.url, "/v1/feedback", { request_id: hit.requestId, label: "wrong" }, AUTH);
    expect(feedback.status).toBe(202);
    expect((await json(feedback)).accepted_by).toContain("cache");

    const pairs = operatorPairs(3).map((e) => ({ features: e.features, label: e.label }));
    await postJson(controlUrl, `/admin/cache-training/${tenant}/pairs`, { examples: pairs });
    const retrained = await json(await postJson(controlUrl, `/admin/cache-training/${tenant}/retrain`, {}));
    expect(retrained).toMatchObject({ promoted: true, previous: "default-v1" });
    const scorer = await (await fetch(`${controlUrl}/v1/cache-training/${tenant}/scorer`)).json();
    const installed = await fetch(`${edge.url}/admin/cache-scorers/${tenant}`, {
      method: "PUT",
      headers: { authorization: "Bearer test-admin", "content-type": "application/json" },
      body: JSON.stringify(scorer),
    });
    expect(installed.status).toBe(200);
    // A new scorer version is a new partition: once the edge's scorer memo (CACHE_SCORER_TTL_S = 1)
    // has let the new scorer in, the cached question misses (until then the old partition hits);
    // that ask fills the new partition, and the wrong pair then misses.
    const fresh = await untilAnswer(
      () => post(cached),
      (res) => res.headers.get("x-edgefleet-cache") === "miss",
      "the new scorer's partition",
    );
    await fresh.text();
    await cacheVerdict(await untilCached(() => post(cached)));
    const again = await send(incoming);
    expect(again).toMatchObject({ cache: "miss", rejected: "feedback" });

    brokenTuner = true;
    const refused = await json(await postJson(controlUrl, `/admin/cache-training/${tenant}/retrain`, {}));
    expect(refused).toMatchObject({ promoted: false, kept: retrained["version"] });
    expect(String(refused["reason"])).toMatch(/would raise held-out false hits/);
    expect(await (await fetch(`${controlUrl}/v1/cache-training/${tenant}/scorer`)).json()).toMatchObject({
      version: retrained["version"],
    });
  });
});
