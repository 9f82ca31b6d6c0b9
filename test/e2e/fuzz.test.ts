// Fuzzing the edge (the real Worker bundle in workerd, API keys on) and the origin (a real
// `edgefleet origin` process): 10,000 generated hostile or malformed requests each — broken
// JSON, deep nesting, huge strings, wrong types, bad tensors, bad headers, odd methods and
// paths, mixed with plausible requests that reach the real models. No answer may be ≥ 500
// or a dropped connection, and both still serve real requests afterwards.
import * as fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { seedEdge } from "../../cli/local/seed-edge.ts";
import {
  type FuzzResult,
  hostileRequests,
  type HostileRequest,
  sendAll,
  summarise,
} from "../support/hostile-requests.ts";
import { defaultModels } from "../support/native-reference.ts";
import { installModels, type OriginProcess, spawnOrigin } from "../support/origin-fixtures.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 32;
const MAX_BODY = 1_048_576;
const TOKEN = "fuzz-admin-token";

let edge: RunningEdge;
let origin: OriginProcess;
let key: string;

beforeAll(async () => {
  const models = await installModels(["silero-vad", "use-lite"]);
  [edge, origin] = await Promise.all([
    startEdge({
      pop: "fuzz",
      adminToken: TOKEN,
      vars: { AUTH: "on", MAX_BODY_BYTES: String(MAX_BODY), LOG_LEVEL: "error" },
    }),
    spawnOrigin({
      region: "fuzz",
      data_dir: models.dataDir,
      manifests: models.manifests,
      threads: 1,
      max_body_bytes: MAX_BODY,
    }),
  ]);
  await Promise.all([seedEdge(edge.url, TOKEN, await defaultModels()), origin.waitReady()]);
  const res = await fetch(`${edge.url}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      tenant: "fuzz",
      scopes: ["infer"],
      limits: { requests_per_minute: 1_000_000, tokens_per_minute: 1_000_000_000 },
    }),
  });
  key = ((await res.json()) as { key: string }).key;
});

afterAll(async () => {
  await edge?.close();
  origin?.child.kill("SIGTERM");
});

function send(base: string) {
  return (r: HostileRequest) =>
    fetch(`${base}${r.path}`, {
      method: r.method,
      headers: r.headers,
      ...(r.body === undefined ? {} : { body: r.body }),
    });
}

/** The first failures, small enough to read in a test report. */
function failures(results: readonly FuzzResult[]): unknown[] {
  return results
    .filter((r) => r.status >= 500 || r.status < 0)
    .slice(0, 5)
    .map((r) => ({
      headerBytes: Object.entries(r.request.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0),
      method: r.request.method,
      status: r.status,
      error: r.error,
      kind: r.request.kind,
      path: r.request.path,
      body: r.request.body?.slice(0, 200),
    }));
}

async function fuzz(label: string, base: string, withKey: string | undefined, seed: number): Promise<FuzzResult[]> {
  const requests = fc.sample(
    hostileRequests({
      ...(withKey === undefined ? {} : { key: withKey }),
      tensorModel: "silero-vad",
      embedder: "use-lite",
      maxBodyBytes: MAX_BODY,
    }),
    { numRuns: RUNS, seed },
  );
  const started = Date.now();
  const results = await sendAll(requests, send(base), CONCURRENCY);
  const counts = Object.fromEntries(Object.entries(summarise(results)).filter(([k]) => !k.startsWith("ms.")));
  console.log(`${label} fuzz: ${results.length} requests in ${Date.now() - started} ms ${JSON.stringify(counts)}`);
  return results;
}

describe("fuzzing", () => {
  it(`the edge answers ${RUNS} hostile requests with no 5xx and keeps serving`, async () => {
    const results = await fuzz("edge", edge.url, key, 20_260_426);
    expect(failures(results)).toEqual([]);
    expect(results).toHaveLength(RUNS);
    expect(new Set(results.map((r) => r.request.kind)).size).toBeGreaterThanOrEqual(10);
    expect(results.filter((r) => r.status >= 200 && r.status < 300).length).toBeGreaterThan(200);
    const after = await fetch(`${edge.url}/v1/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "silero-vad", input: { audio: [0, 0.1, 0.2] } }),
    });
    expect(after.status).toBe(200);
    expect((await fetch(`${edge.url}/healthz`)).status).toBe(200);
  });

  it(`the origin answers ${RUNS} hostile requests with no 5xx and keeps serving`, async () => {
    const results = await fuzz("origin", origin.url, undefined, 4_262_026);
    expect(failures(results)).toEqual([]);
    expect(results).toHaveLength(RUNS);
    expect(results.filter((r) => r.status >= 200 && r.status < 300).length).toBeGreaterThan(100);
    const after = await fetch(`${origin.url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "silero-vad", input: { audio: [0, 0.1, 0.2] } }),
    });
    expect(after.status).toBe(200);
    expect((await fetch(`${origin.url}/readyz`)).status).toBe(200);
  });
});
