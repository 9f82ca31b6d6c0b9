/**
 * Drift alerts end to end over real HTTP: a signed registry holds a version whose manifest carries
 * a reference profile built from real USE-lite embeddings of STS-B captions; a PoP posts sync
 * reports with sketches of captions traffic (no alert), then of news traffic: the control plane
 * raises an alert on the SSE change feed (`drift_alert`), and calls the webhook — signed with
 * HMAC-SHA256, retried after the receiver's first 500.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasCacheDevData } from "../support/cache-dev-pairs.ts";
import type { GenreRequest } from "../support/genre-drift.ts";
import { embedRequests, genreProfile, observationOf, stsbByGenre, unkIdOf } from "../support/genre-drift.ts";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import type { ReferenceProfile } from "../../shared/monitoring/profile.ts";
import { LiveSketch } from "../../shared/monitoring/sketch.ts";
import { signWebhook } from "../../shared/monitoring/webhook.ts";
import { publishModel } from "../../shared/registry/publish.ts";
import type { PopReport } from "../../shared/sync/protocol.ts";
import { rawDraft } from "../support/raw-draft.ts";
import { allSigners, makeKeys, makeRegistry } from "../support/registry-fixture.ts";

const OPERATOR = "op-token";
const EDGE = "edge-token";
const SECRET = "whsec-test";
const WINDOW = 60_000;

interface Hook {
  body: string;
  signature: string;
}

describe.skipIf(!hasCacheDevData())("drift alerts: report → control plane → feed and webhook", () => {
  let control: RunningControlPlane;
  let profile: ReferenceProfile;
  let unk = 0;
  let captions: GenreRequest[] = [];
  let news: GenreRequest[] = [];
  const hooks: Hook[] = [];
  let hookCalls = 0;
  let closeHook: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const genres = stsbByGenre();
    captions = await embedRequests((genres.get("main-captions") ?? []).slice(0, 900));
    news = await embedRequests((genres.get("main-news") ?? []).slice(0, 200));
    unk = unkIdOf();
    profile = genreProfile(captions.slice(0, 500), unk);

    const keys = await makeKeys();
    const registry = await makeRegistry(keys);
    const draft = rawDraft("use-lite", "1.0.0", "model.onnx", new Uint8Array([1, 2, 3, 4]));
    draft.monitoring = { profile, drift: { alert_at: 0.25, min_samples: 200 } };
    await publishModel(draft, { blobs: registry.blobs, repository: registry.repository, keyring: allSigners(keys) });

    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve(
        {
          port: 0,
          hostname: "127.0.0.1",
          fetch: async (req) => {
            hookCalls++;
            if (hookCalls === 1) {
              return new Response("busy", { status: 500 }); // the first delivery fails: it must be retried
            }
            hooks.push({ body: await req.text(), signature: req.headers.get("edgefleet-signature") ?? "" });
            return new Response(null, { status: 204 });
          },
        },
        () => resolve(s),
      );
    });
    closeHook = () => new Promise((done) => server.close(() => done()));
    const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    control = await startControlPlane({
      registryDir: registry.dir,
      operatorToken: OPERATOR,
      edgeToken: EDGE,
      driftWebhook: { url: hookUrl, secret: SECRET, backoffMs: 20 },
    });
  }, 120_000);

  afterAll(async () => {
    await control.close();
    await closeHook?.();
  });

  function report(seq: number, traffic: readonly GenreRequest[], window: number): PopReport {
    const sketch = new LiveSketch(profile);
    traffic.forEach((r) => sketch.observe(observationOf(r, unk, profile)));
    return { pop: "pop-1", seq, models: [], sketches: [sketch.report("use-lite", "1.0.0", window * WINDOW, WINDOW)] };
  }

  async function post(body: PopReport): Promise<number> {
    const res = await fetch(`${control.url}/v1/sync/report`, {
      method: "POST",
      headers: { authorization: `Bearer ${EDGE}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await res.body?.cancel();
    return res.status;
  }

  it("stays quiet on in-genre traffic, then alerts on the feed and the signed webhook after the shift", async () => {
    const abort = new AbortController();
    const stream = await fetch(`${control.url}/v1/sync/stream`, {
      headers: { authorization: `Bearer ${EDGE}` },
      signal: abort.signal,
    });
    const body = stream.body;
    if (!body) {
      throw new Error("the stream has no body");
    }
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();

    // 8 windows of 50 held-out captions: judged from the 4th on (200 requests), none alerts.
    for (let w = 0; w < 8; w++) {
      expect(await post(report(w + 1, captions.slice(500 + w * 50, 550 + w * 50), w))).toBe(204);
    }
    expect(control.drift.alerts).toEqual([]);

    // News traffic: the first window of it is enough to cross the threshold.
    for (let w = 8; w < 10; w++) {
      expect(await post(report(w + 1, news.slice((w - 8) * 50, (w - 7) * 50), w))).toBe(204);
    }
    expect(control.drift.alerts.map((a) => a.scope).toSorted()).toEqual(["fleet", "pop-1"]);

    let text = "";
    while (!text.includes("event: drift_alert")) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      text += value;
    }
    abort.abort();
    expect(text).toContain('"scope":"pop-1"');

    await Promise.all(control.drift.deliveries);
    expect(hookCalls).toBeGreaterThanOrEqual(3); // one refused, then both alerts delivered
    for (const hook of hooks) {
      const t = Number(/t=(\d+)/.exec(hook.signature)?.[1]);
      expect(hook.signature).toBe(await signWebhook(SECRET, t, hook.body));
      expect(JSON.parse(hook.body)).toMatchObject({ type: "drift_alert", model: "use-lite", version: "1.0.0" });
    }
    expect(hooks.length).toBe(2);
    // Alerts carry scores and statistic names, never traffic.
    expect(news.some((r) => hooks.some((h) => h.body.includes(r.text)))).toBe(false);
  });

  it("takes outcome counts from reports and shows accuracy with its interval", async () => {
    const outcomes = [{ model: "use-lite", version: "1.0.0", good: 45, total: 50 }];
    expect(await post({ pop: "pop-2", seq: 1, models: [], outcomes })).toBe(204);
    expect(control.drift.accuracy()).toMatchObject([
      { model: "use-lite", version: "1.0.0", good: 45, total: 50, rate: 0.9 },
    ]);
    const bad = { pop: "pop-2", seq: 2, models: [], outcomes: [{ ...outcomes[0], good: 60 }] };
    expect(await post(bad as PopReport)).toBe(400);
    const html = await (
      await fetch(`${control.url}/monitoring`, { headers: { authorization: `Bearer ${OPERATOR}` } })
    ).text();
    expect(html).toContain("90.0%");
  });

  it("the /monitoring page charts drift per scope and lists the alerts", async () => {
    const res = await fetch(`${control.url}/monitoring`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("use-lite@1.0.0 — pop-1");
    expect(html).toContain("use-lite@1.0.0 — fleet");
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).toContain("embedding.cos_centroid");
    const anonymous = await fetch(`${control.url}/monitoring`);
    await anonymous.body?.cancel();
    expect(anonymous.status).toBe(401);
  });

  it("drift breaches the rollout gate for the drifted version", () => {
    expect(control.drift.breach("use-lite", "1.0.0")).toMatch(/^drift \d/);
    expect(control.drift.breach("use-lite", "9.9.9")).toBeUndefined();
  });
});
