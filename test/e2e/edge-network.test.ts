// The edge over real HTTP on loopback: the Worker bundle in workerd (Miniflare) and the same
// app on Node (onnxruntime-node) answer the same API with the same results, the official
// OpenAI client can talk to it. (`edgefleet dev`, the whole network, is test/e2e/dev-network.test.ts.)
import { readFile } from "node:fs/promises";
import OpenAI, { NotFoundError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { type RunningNodePop, startNodePop } from "../../edge/node/node-pop.ts";
import { seedEdge } from "../../cli/local/seed-edge.ts";
import { silentLogger } from "../../shared/log.ts";
import { defaultModels } from "../support/native-reference.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "e2e-admin-token";
let edge: RunningEdge;
let nodePop: RunningNodePop;

beforeAll(async () => {
  const models = await defaultModels();
  edge = await startEdge({ pop: "e2e", adminToken: TOKEN });
  nodePop = await startNodePop({
    pop: "e2e-node",
    dataDir: await tempDir("pop"),
    adminToken: TOKEN,
    auth: "off",
    threads: 1,
    log: silentLogger,
  });
  await seedEdge(edge.url, TOKEN, models);
  await seedEdge(nodePop.url, TOKEN, models);
});

afterAll(async () => {
  await edge?.close();
  await nodePop?.close();
});

async function predict(
  base: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

describe("edge network on loopback", () => {
  it("lists models through the official openai client", async () => {
    const client = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: "not-needed-yet" });
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      ids.push(model.id);
    }
    expect(ids.toSorted()).toEqual(["ppocr-det", "ppocr-rec", "silero-vad", "use-lite"]);
  });

  it("creates embeddings through the official openai client", async () => {
    const client = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: "not-needed-yet" });
    const res = await client.embeddings.create({
      model: "use-lite",
      input: ["a cat sat on the mat", "a kitten was sitting on the rug"],
    });
    expect(res.data).toHaveLength(2);
    const [a, b] = res.data.map((d) => d.embedding);
    const cosine = (a ?? []).reduce((s, x, i) => s + x * (b?.[i] ?? 0), 0);
    expect(cosine).toBeGreaterThan(0.5);
  });

  it("the openai client sees a 404 as NotFoundError with the error code", async () => {
    const client = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: "x", maxRetries: 0 });
    const error = await client.post("/predict", { body: { model: "nope", input: {} } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe("model_not_found");
  });

  it("the Worker in workerd and the Node PoP give the same OCR answer, each saying where it ran", async () => {
    const image = (await readFile("test/fixtures/ocr-line.png")).toString("base64");
    const body = { model: "ppocr-rec", input: { image } };
    const [w, n] = await Promise.all([predict(edge.url, body), predict(nodePop.url, body)]);
    expect(w.status).toBe(200);
    expect(n.status).toBe(200);
    expect(w.headers.get("x-edgefleet-served-by")).toBe("edge/e2e");
    expect(n.headers.get("x-edgefleet-served-by")).toBe("edge/e2e-node");
    expect(w.json.provider).toBe("wasm");
    expect(n.json.provider).toBe("cpu");
    expect((w.json.output as { text: string }).text).toBe((n.json.output as { text: string }).text);
  });

  it("carries the caller's x-request-id through to the response", async () => {
    const res = await fetch(`${edge.url}/v1/models`, { headers: { "x-request-id": "trace-123" } });
    expect(res.headers.get("x-request-id")).toBe("trace-123");
  });
});
