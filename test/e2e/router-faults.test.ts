// Fault cases F2, F3, F5, F6, F7 (docs/origin.md, "Fault cases") through the real Worker
// bundle in workerd, against fault-injecting origins on loopback. Each case has its own
// model name and origins, so breakers of one case never see another's traffic; the tests
// judge only what the caller received and what the origins logged. How long a caller waits in
// each case is measured against the policy's goals by `npm run bench -- faults`, not here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEdge } from "../../cli/local/edge-miniflare.ts";
import { seedEdge } from "../../cli/local/seed-edge.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { postJson, startRoutingEdge } from "../support/origin-fixtures.ts";
import { defaultModels } from "../support/native-reference.ts";
import { readSse } from "../support/sse.ts";
import { untilAnswer } from "../support/until-cached.ts";

const TTFB_MS = 400;
const STALL_MS = 500;
let edge: RunningEdge;
const o: Record<string, FakeOrigin> = {};
const at = (name: string) => (o[name] as FakeOrigin).url;
const DEAD = "http://127.0.0.1:9"; // discard port: nothing listens, connections are refused

beforeAll(async () => {
  for (const name of ["a2", "b2", "a3", "b3", "a5", "b5", "a6", "b6", "a7", "b7", "a8", "b8", "afb"]) {
    o[name] = await startFakeOrigin(name);
  }
  const table = {
    origins: [
      { id: "a2", region: "eu-west", endpoint: at("a2"), models: ["m-f2", "m-f2-only"] },
      { id: "b2", region: "us-east", endpoint: at("b2"), priority: 1, models: ["m-f2"] },
      { id: "a3", region: "eu-west", endpoint: at("a3"), models: ["m-f3"] },
      { id: "b3", region: "us-east", endpoint: at("b3"), priority: 1, models: ["m-f3"] },
      { id: "a5", region: "eu-west", endpoint: at("a5"), models: ["m-f5"] },
      { id: "b5", region: "us-east", endpoint: at("b5"), priority: 1, models: ["m-f5"] },
      { id: "a6", region: "eu-west", endpoint: at("a6"), models: ["llm-f6"] },
      { id: "b6", region: "us-east", endpoint: at("b6"), priority: 1, models: ["llm-f6"] },
      { id: "a7", region: "eu-west", endpoint: at("a7"), models: ["m-f7"] },
      { id: "b7", region: "us-east", endpoint: at("b7"), priority: 1, models: ["m-f7"] },
      { id: "a8", region: "eu-west", endpoint: at("a8"), models: ["m-f7n"] },
      { id: "b8", region: "us-east", endpoint: at("b8"), priority: 1, models: ["m-f7n"] },
      { id: "dead", region: "eu-west", endpoint: DEAD, models: ["silero-vad"] },
      { id: "afb", region: "eu-west", endpoint: at("afb"), models: ["silero-vad"], priority: 1 },
    ],
    origin_first: ["silero-vad"],
    policy: {
      ttfb_timeout_ms: TTFB_MS,
      stall_ms: STALL_MS,
      breaker: { consecutive_failures: 3, open_ms: 300, max_open_ms: 1000, window_ms: 2000 },
      // Many small cases in a row: a generous floor, so one case's retries never starve the next.
      retry_budget: { ratio: 0.2, min_per_window: 20, window_ms: 1000 },
    },
  };
  edge = await startRoutingEdge("faults", table);
  const vad = (await defaultModels()).filter((m) => m.manifest.id === "silero-vad");
  await seedEdge(edge.url, "test-admin", vad);
});

afterAll(async () => {
  await edge?.close();
  await Promise.all(Object.values(o).map((f) => f.stop()));
});

const predict = (model: string, headers: Record<string, string> = {}) =>
  postJson(edge.url, "/v1/predict", { model, input: {} }, headers);
const chat = (model: string) =>
  postJson(edge.url, "/v1/chat/completions", { model, stream: true, messages: [{ role: "user", content: "hi" }] });
const fake = (name: string) => o[name] as FakeOrigin;

describe("F2 blackholed origin", () => {
  it("never hangs a caller: each call gives up on the blackhole and the next origin answers", async () => {
    fake("a2").setFault({ kind: "blackhole" });
    const before = fake("b2").count();
    for (let i = 0; i < 5; i++) {
      const res = await predict("m-f2");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/us-east");
      await res.body?.cancel();
    }
    expect(fake("b2").count() - before).toBe(5);
    // After 3 timeouts the breaker is open: the blackhole stops getting traffic.
    expect(fake("a2").count()).toBe(3);
  });

  it("with no other origin, answers 504 by the caller's deadline instead of hanging", async () => {
    const res = await predict("m-f2-only", { "x-edgefleet-deadline": String(Date.now() + 250) });
    expect([503, 504]).toContain(res.status);
    const body = (await res.json()) as { error: { code: string } };
    expect(["upstream_timeout", "upstream_unavailable"]).toContain(body.error.code);
  });
});

describe("F3 flapping origin", () => {
  it("serves from the fallback while the primary fails, and traffic returns to the primary after it recovers", async () => {
    fake("a3").setFault({ kind: "status", status: 503 });
    for (let i = 0; i < 6; i++) {
      const res = await predict("m-f3");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/us-east");
      await res.body?.cancel();
    }
    fake("a3").setFault({ kind: "ok" });
    // Steady light traffic (the next request once the last is answered) until a half-open probe finds the primary
    // healthy again; every caller is answered meanwhile. The policy's longest open period is
    // 1 s, so the deadline leaves room for a busy machine.
    const statuses: number[] = [];
    const back = await untilAnswer(
      async () => {
        const res = await predict("m-f3");
        statuses.push(res.status);
        return res;
      },
      (res) => res.headers.get("x-edgefleet-served-by") === "origin/eu-west",
      "traffic back on the recovered primary",
    );
    await back.body?.cancel();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});

describe("F5 retryable failures", () => {
  it("429 with retry-after: fails over at once and leaves the origin alone for its retry-after", async () => {
    fake("a5").setFault({ kind: "status", status: 429, retryAfter: 2, times: 1 });
    const first = await predict("m-f5");
    expect(first.status).toBe(200);
    expect(first.headers.get("x-edgefleet-served-by")).toBe("origin/us-east");
    for (let i = 0; i < 3; i++) {
      const res = await predict("m-f5");
      expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/us-east");
      await res.body?.cancel();
    }
    expect(fake("a5").count()).toBe(1);
  });

  it("500 once and a reset before headers are each retried once on the next origin", async () => {
    const before = { a: fake("a7").count(), b: fake("b7").count() };
    fake("a7").setFault({ kind: "status", status: 500, times: 1 });
    const res = await predict("m-f7");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-attempts")).toBe("2");
    fake("a7").setFault({ kind: "reset" });
    const reset = await predict("m-f7");
    expect(reset.status).toBe(200);
    expect(reset.headers.get("x-edgefleet-served-by")).toBe("origin/us-east");
    fake("a7").setFault({ kind: "ok" });
    expect(fake("a7").count() - before.a).toBe(2);
    expect(fake("b7").count() - before.b).toBe(2);
  });
});

describe("F7 non-retryable errors", () => {
  it.each([
    [400, "context_length_exceeded"],
    [400, "content_filter"],
    [401, "invalid_api_key"],
    [403, "forbidden"],
    [404, "model_not_found"],
    [413, "payload_too_large"],
    [422, "unprocessable"],
  ])("%i %s gets exactly one upstream attempt and reaches the client as is", async (status, code) => {
    const a = fake("a8");
    const b = fake("b8");
    a.setFault({ kind: "status", status, code });
    const before = { a: a.count(), b: b.count() };
    const res = await predict("m-f7n");
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(a.count() - before.a).toBe(1);
    expect(b.count() - before.b).toBe(0);
  });

  it("a request the edge rejects itself reaches no origin", async () => {
    const before = fake("a2").count();
    const res = await fetch(`${edge.url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(fake("a2").count()).toBe(before);
  });
});

describe("F6 streams", () => {
  it("a healthy stream ends with [DONE]", async () => {
    const s = await readSse(await chat("llm-f6"));
    expect(s.sawDone).toBe(true);
    expect(s.errorEvent).toBeUndefined();
  });

  it.each([
    ["stream-cut", { kind: "stream-cut", after: 2 }],
    ["stream-stall", { kind: "stream-stall", after: 2 }],
    ["stream-malformed", { kind: "stream-malformed", after: 2 }],
    ["stream-no-done", { kind: "stream-no-done", after: 2 }],
  ] as const)("%s mid-stream ends with an error event and no [DONE]", async (_name, fault) => {
    fake("a6").setFault(fault);
    const res = await chat("llm-f6");
    expect(res.status).toBe(200);
    const s = await readSse(res);
    expect(s.sawDone).toBe(false);
    expect(s.errorEvent).toBeDefined();
    expect(JSON.parse(s.errorEvent?.data ?? "{}")).toMatchObject({ error: { code: "stream_interrupted" } });
    // The tokens sent before the fault reached the client; nothing after a malformed chunk did.
    expect(s.events.filter((e) => e.event === undefined)).toHaveLength(2);
  });

  it("a stream that fails before its first byte fails over and completes on the next origin", async () => {
    fake("a6").setFault({ kind: "status", status: 503, times: 1 });
    const res = await chat("llm-f6");
    expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/us-east");
    const s = await readSse(res);
    expect(s.sawDone).toBe(true);
    fake("a6").setFault({ kind: "ok" });
  });
});

describe("degrade and headers", () => {
  it("sends an origin_first model to origins while one can answer, though the edge has it too", async () => {
    const res = await postJson(edge.url, "/v1/predict", { model: "silero-vad", input: { audio: [0, 0.01] } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/eu-west");
    expect(((await res.json()) as { output: { origin: string } }).output.origin).toBe("afb");
  });

  it("serves the edge's own model, marked edge-fallback, when no origin can answer", async () => {
    fake("afb").setFault({ kind: "status", status: 503 });
    const res = await postJson(edge.url, "/v1/predict", {
      model: "silero-vad",
      input: { audio: [0, 0.01, -0.02, 0.03] },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("edge-fallback");
    expect(((await res.json()) as { model: string }).model).toBe("silero-vad");
    fake("afb").setFault({ kind: "ok" });
  });

  it("passes x-request-id on, with one idempotency key and a deadline across attempts", async () => {
    fake("a7").setFault({ kind: "status", status: 502, times: 1 });
    const sent = Date.now();
    const res = await predict("m-f7", { "x-request-id": "trace-f7" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("trace-f7");
    const hits = [...fake("a7").hits, ...fake("b7").hits].filter((h) => h.requestId === "trace-f7");
    expect(hits).toHaveLength(2);
    expect(hits.every((h) => h.idempotencyKey === "trace-f7")).toBe(true);
    const deadline = Number(hits[0]?.deadline);
    expect(deadline).toBeGreaterThan(sent);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 30_000);
  });
});
