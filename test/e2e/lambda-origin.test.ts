// The serverless origin: the real Lambda handlers (same origin app, onnxruntime-node) behind a
// local stand-in for the Lambda Invoke API. The Node-side LambdaInvoker (AWS SDK) and the
// Worker's signed-fetch transport in workerd both talk to it. F8: throttling
// (TooManyRequestsException) fails over at once; F9: the HTTP origin pool is down and the
// Lambda pool answers, and the response names it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEdge } from "../../cli/local/edge-miniflare.ts";
import { createOriginApp } from "../../origin/app.ts";
import { buildOriginDeps, prepareBackends } from "../../origin/build.ts";
import { OriginConfigSchema } from "../../origin/config.ts";
import { createLambdaHandlers } from "../../origin/lambda/handler.ts";
import { LambdaInvoker } from "../../origin/lambda/invoker.ts";
import { silentLogger } from "../../shared/log.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { type FakeLambda, startFakeLambda } from "../support/fake-lambda.ts";
import { installModels, postJson, startRoutingEdge } from "../support/origin-fixtures.ts";
import { readSse } from "../support/sse.ts";

let upstream: FakeOrigin;
let backup: FakeOrigin;
let lambda: FakeLambda;
let invoker: LambdaInvoker;
let edge: RunningEdge;
const VAD = { model: "silero-vad", input: { audio: [0, 0.01, -0.02, 0.03], sample_rate: 16000 } };
const envelope = (path: string, body: unknown, stream = false) => ({
  method: "POST" as const,
  path,
  headers: { "content-type": "application/json", "x-request-id": "lambda-test" },
  body: JSON.stringify(body),
  stream,
});

beforeAll(async () => {
  upstream = await startFakeOrigin("upstream");
  backup = await startFakeOrigin("backup");
  const models = await installModels(["silero-vad"]);
  const config = OriginConfigSchema.parse({
    region: "us-east-1",
    data_dir: models.dataDir,
    manifests: models.manifests,
    threads: 1,
    batching: { max_batch: 1, max_wait_ms: 0 },
    upstreams: [{ name: "fake-vllm", base_url: `${upstream.url}/v1`, models: { "chat-llm": "fake-llm" } }],
  });
  const deps = await buildOriginDeps(config, silentLogger, "lambda/us-east-1");
  await prepareBackends(deps);
  const app = createOriginApp(deps);
  lambda = await startFakeLambda(createLambdaHandlers(() => app));
  invoker = new LambdaInvoker({
    functionName: "edgefleet-origin",
    region: "us-east-1",
    endpoint: lambda.url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
  });
  edge = await startRoutingEdge("lambda", {
    origins: [
      // F9: the HTTP pool for the VAD model is down (nothing listens on the discard port).
      { id: "gpu-down", region: "eu-west", endpoint: "http://127.0.0.1:9", models: ["silero-vad"] },
      {
        id: "fn-vad",
        region: "us-east-1",
        kind: "lambda",
        endpoint: lambda.url,
        function_name: "edgefleet-origin",
        aws_region: "us-east-1",
        priority: 1,
        models: ["silero-vad"],
      },
      // F8: the Lambda origin comes first for chat, an HTTP origin backs it up.
      {
        id: "fn-chat",
        region: "us-east-1",
        kind: "lambda",
        endpoint: lambda.url,
        function_name: "edgefleet-origin",
        aws_region: "us-east-1",
        models: ["chat-llm"],
      },
      { id: "backup", region: "eu-west", endpoint: backup.url, priority: 1, models: ["chat-llm"] },
    ],
    policy: { ttfb_timeout_ms: 1000 },
  });
});

afterAll(async () => {
  await edge?.close();
  await lambda?.stop();
  await upstream?.stop();
  await backup?.stop();
});

describe("LambdaInvoker (AWS SDK, Invoke API on loopback)", () => {
  it("Invoke runs the handler on the shared inference core", async () => {
    const res = await invoker.invoke(envelope("/v1/predict", VAD));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("lambda/us-east-1");
    expect((await res.json()) as { model: string; provider: string }).toMatchObject({
      model: "silero-vad",
      provider: "cpu",
    });
  });

  it("InvokeWithResponseStream streams a chat completion to [DONE]", async () => {
    const res = await invoker.invoke(
      envelope(
        "/v1/chat/completions",
        { model: "chat-llm", stream: true, messages: [{ role: "user", content: "hi" }] },
        true,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const s = await readSse(res);
    expect(s.sawDone).toBe(true);
    expect(s.events.filter((e) => e.event === undefined && e.data !== "[DONE]")).toHaveLength(upstream.tokens);
  });

  it("answers the function's own errors as HTTP errors (unknown model → 404)", async () => {
    const res = await invoker.invoke(envelope("/v1/predict", { model: "nope", input: {} }));
    expect(res.status).toBe(404);
  });

  it("TooManyRequestsException becomes a 429 with the throttle's retry-after; the function did not run", async () => {
    lambda.throttle.on = true;
    const executed = lambda.executed;
    const res = await invoker.invoke(envelope("/v1/predict", VAD));
    lambda.throttle.on = false;
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("x-edgefleet-lambda-error")).toMatch(/^TooManyRequestsException/);
    expect(lambda.executed).toBe(executed);
  });
});

describe("the deployable Lambda module", () => {
  it("builds the origin from EDGEFLEET_ORIGIN_CONFIG on its first invocation and answers", async () => {
    const models = await installModels(["silero-vad"]);
    process.env.EDGEFLEET_ORIGIN_CONFIG = JSON.stringify({
      region: "eu-central-1",
      data_dir: models.dataDir,
      manifests: models.manifests,
      threads: 1,
      log_level: "error",
    });
    const entry = await import("../../origin/lambda/entry.ts");
    const out = await entry.handler(envelope("/v1/predict", VAD));
    expect(out.statusCode).toBe(200);
    expect(out.headers["x-edgefleet-served-by"]).toBe("lambda/eu-central-1");
    expect(JSON.parse(out.body)).toMatchObject({ model: "silero-vad", provider: "cpu" });
    expect(typeof entry.streamingHandler).toBe("function");
  });
});

describe("Lambda origin behind the edge (workerd, SigV4 over fetch)", () => {
  it("F9: with the HTTP pool down, the Lambda pool serves, and the answer names it", async () => {
    const res = await postJson(edge.url, "/v1/predict", VAD);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("lambda/us-east-1");
    expect(res.headers.get("x-edgefleet-attempts")).toBe("2");
    // Usage is the serving attempt's only.
    expect(((await res.json()) as { usage: Record<string, number> }).usage).toEqual({ frames: 1, audio_ms: 0 });
  });

  it("streams chat from the Lambda origin through InvokeWithResponseStream", async () => {
    const res = await postJson(edge.url, "/v1/chat/completions", {
      model: "chat-llm",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.headers.get("x-edgefleet-served-by")).toBe("lambda/us-east-1");
    expect((await readSse(res)).sawDone).toBe(true);
  });

  it("F8: a throttled Lambda fails over at once and is left alone for its retryAfterSeconds", async () => {
    lambda.throttle.on = true;
    const calls = lambda.calls;
    const res = await postJson(edge.url, "/v1/chat/completions", {
      model: "chat-llm",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/eu-west");
    // At once: one throttled attempt, then the backup (how fast: `npm run bench -- faults`).
    expect(res.headers.get("x-edgefleet-attempts")).toBe("2");
    const again = await postJson(edge.url, "/v1/chat/completions", {
      model: "chat-llm",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(again.headers.get("x-edgefleet-served-by")).toBe("origin/eu-west");
    expect(again.headers.get("x-edgefleet-attempts")).toBe("1");
    lambda.throttle.on = false;
    expect(lambda.calls - calls).toBe(1);
  });
});
