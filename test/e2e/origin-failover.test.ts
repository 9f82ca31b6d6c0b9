// Real origin processes (`edgefleet origin`, onnxruntime-node) behind the real Worker bundle in
// workerd: readiness, load signals and metrics; chat streaming end to end through an origin's
// OpenAI-compatible upstream; F1 — kill one of two origins under steady load, lose nothing;
// and a graceful SIGTERM that finishes in-flight work and refuses new work.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningEdge } from "../../cli/local/edge-miniflare.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import {
  installModels,
  type OriginProcess,
  postJson,
  spawnOrigin,
  startRoutingEdge,
} from "../support/origin-fixtures.ts";
import { readSse } from "../support/sse.ts";

let upstream: FakeOrigin;
let a: OriginProcess;
let b: OriginProcess;
let edge: RunningEdge;
const VAD = { model: "silero-vad", input: { audio: [0, 0.01, -0.02, 0.03], sample_rate: 16000 } };

beforeAll(async () => {
  upstream = await startFakeOrigin("upstream");
  const models = await installModels(["silero-vad"]);
  const config = (region: string) => ({
    region,
    data_dir: models.dataDir,
    manifests: models.manifests,
    threads: 1,
    upstreams: [
      { name: "fake-vllm", base_url: `${upstream.url}/v1`, models: { "chat-llm": "fake-llm" }, stall_ms: 500 },
    ],
  });
  [a, b] = await Promise.all([spawnOrigin(config("eu-west")), spawnOrigin(config("us-east"))]);
  await Promise.all([a.waitReady(), b.waitReady()]);
  edge = await startRoutingEdge("real", {
    origins: [
      // The nearest region first: it carries the traffic until it dies, then the next takes over.
      { id: "a", region: "eu-west", endpoint: a.url },
      { id: "b", region: "us-east", endpoint: b.url, priority: 1 },
    ],
    policy: { ttfb_timeout_ms: 1000, stall_ms: 1000 },
  });
});

afterAll(async () => {
  await edge?.close();
  for (const p of [a, b]) {
    if (p && p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }
  await upstream?.stop();
});

describe("origin server", () => {
  it("is ready only with its models warmed, and says so in /readyz and /metrics", async () => {
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      backends: [
        { name: "onnx", ready: true },
        { name: "upstream:fake-vllm", ready: true },
      ],
    });
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/^edgefleet_origin_ready 1$/m);
    expect(metrics).toMatch(/^edgefleet_origin_queue_depth \d+$/m);
    expect(metrics).toMatch(/^edgefleet_origin_in_flight \d+$/m);
  });

  it("answers the edge's API with load signals on every answer", async () => {
    const res = await postJson(a.url, "/v1/predict", VAD, { "x-request-id": "direct-1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/eu-west");
    expect(res.headers.get("x-edgefleet-queue-depth")).toMatch(/^\d+$/);
    expect(res.headers.get("x-edgefleet-in-flight")).toMatch(/^\d+$/);
    expect(res.headers.get("x-request-id")).toBe("direct-1");
    expect(((await res.json()) as { provider: string }).provider).toBe("cpu");
  });

  it("refuses a request whose deadline has passed with 504", async () => {
    const res = await postJson(a.url, "/v1/predict", VAD, { "x-edgefleet-deadline": String(Date.now() - 1) });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("deadline_exceeded");
  });
});

function ask(stream: boolean): Promise<Response> {
  return postJson(edge.url, "/v1/chat/completions", {
    model: "chat-llm",
    stream,
    messages: [{ role: "user", content: "hi" }],
  });
}

describe("chat completions through edge → origin → OpenAI-compatible upstream", () => {
  it("streams every token and [DONE], naming the origin that served it", async () => {
    const res = await ask(true);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/eu-west");
    const s = await readSse(res);
    expect(s.sawDone).toBe(true);
    expect(s.events.filter((e) => e.event === undefined && e.data !== "[DONE]")).toHaveLength(upstream.tokens);
    // The upstream got the upstream's own model name, the caller's id passed through both hops.
    expect(upstream.hits.at(-1)?.path).toBe("/v1/chat/completions");
  });

  it("answers non-streaming chat as one JSON body", async () => {
    const res = await ask(false);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
  });

  it("an upstream cut mid-stream reaches the client as an error event, never [DONE]", async () => {
    upstream.setFault({ kind: "stream-cut", after: 2 });
    const s = await readSse(await ask(true));
    upstream.setFault({ kind: "ok" });
    expect(s.sawDone).toBe(false);
    expect(s.errorEvent).toBeDefined();
  });
});

describe("F1 kill one of two origins under steady load", () => {
  it("loses no request; the survivor takes all traffic", async () => {
    const results: Array<{ status: number; servedBy: string | null; attempts: number; at: number }> = [];
    const sends: Array<Promise<void>> = [];
    let killedAt = 0;
    // About 50 requests per second for 3 s; origin A is killed (SIGKILL) after 1 s.
    for (let i = 0; i < 150; i++) {
      if (i === 50) {
        a.child.kill("SIGKILL");
        killedAt = Date.now();
      }
      sends.push(
        postJson(edge.url, "/v1/predict", VAD).then(async (res) => {
          results.push({
            status: res.status,
            servedBy: res.headers.get("x-edgefleet-served-by"),
            attempts: Number(res.headers.get("x-edgefleet-attempts")),
            at: Date.now(),
          });
          await res.body?.cancel();
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(sends);
    await a.exited;
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.filter((r) => r.at < killedAt && r.servedBy === "origin/eu-west").length).toBeGreaterThan(30);
    // Once the breaker has opened, the dead origin gets no more attempts: few requests needed a failover.
    expect(results.filter((r) => r.attempts > 1).length).toBeLessThanOrEqual(10);
    const late = results.filter((r) => r.at > killedAt + 500);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((r) => r.servedBy === "origin/us-east")).toBe(true);
  });
});

describe("graceful shutdown", () => {
  it("on SIGTERM finishes in-flight requests, refuses new ones, then exits 0", async () => {
    upstream.setFault({ kind: "ok", delayMs: 800 });
    const inFlight = postJson(b.url, "/v1/chat/completions", {
      model: "chat-llm",
      messages: [{ role: "user", content: "slow" }],
    });
    // Wait until the origin has the request (its in-flight gauge says so), then signal.
    await vi.waitFor(
      async () => {
        expect(await (await fetch(`${b.url}/metrics`)).text()).toMatch(/^edgefleet_origin_in_flight 1$/m);
      },
      { timeout: 10_000, interval: 20 },
    );
    b.child.kill("SIGTERM");
    // The signal is handled asynchronously: wait until the origin says it is draining.
    await vi.waitFor(
      async () => {
        const status = await fetch(`${b.url}/readyz`).then(
          async (r) => {
            await r.body?.cancel();
            return r.status;
          },
          () => 0,
        );
        expect(status).not.toBe(200);
      },
      { timeout: 10_000, interval: 10 },
    );
    const refused = await postJson(b.url, "/v1/predict", VAD).then(
      (res) => res.status,
      () => "connection refused",
    );
    expect([503, "connection refused"]).toContain(refused);
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(((await finished.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    expect(await b.exited).toBe(0);
    upstream.setFault({ kind: "ok" });
  });
});
