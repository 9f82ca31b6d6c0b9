/**
 * `npm run bench -- gateway`: what the edge adds to a chat call in front of a trivial
 * OpenAI-compatible upstream (fixed answers, its own process), measured side by side in one
 * run, interleaved: (a) direct to the upstream, (b) through the edge with the cache bypassed
 * (`cache-control: no-store`), (c) exact-cache hits, (d) semantic-cache hits (a paraphrase of a
 * cached question; runs the edge's embedder), (e) SSE streaming, first byte and `[DONE]`, and
 * the embedder's own latency through the edge (`/v1/embeddings`, the semantic hit's yardstick).
 * Repeated exact hits are answered by the isolate's L1 (edge/cache/hot-answers.ts).
 * One client for latency (p50/p99), 32 for throughput (autocannon), and the CPU the workerd
 * process spends per pass-through request.
 */
import autocannon from "autocannon";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { startEdge } from "../cli/local/edge-miniflare.ts";
import { seedEdge } from "../cli/local/seed-edge.ts";
import { defaultModels } from "../test/support/native-reference.ts";
import { timedPost, type Timed } from "./lib/http-timing.ts";
import { childCpuSeconds } from "./lib/process-cpu.ts";
import { type ProfileRow, profileWorker } from "./lib/worker-profile.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { median, quantile, round } from "./lib/stats.ts";

const ROUNDS = 7;
/** `npm run bench -- gateway --profile`: also a CPU profile of the edge Worker at 32 clients. */
const PROFILE = process.argv.includes("--profile");
const INSPECTOR_PORT = 9329;
const QUESTION = "How do I reset my password?";
const PARAPHRASE = "How can I reset my password?";

async function startUpstream(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["bench/lib/trivial-upstream.mjs"], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(child.stdout ?? child, "data")) as [Buffer];
  return { url: line.toString().trim(), child };
}

const chat = (content: string, stream = false) =>
  JSON.stringify({ model: "bench-llm", messages: [{ role: "user", content }], ...(stream ? { stream: true } : {}) });

function expectCache(t: Timed, status: string): void {
  if (t.headers["x-edgefleet-cache"] !== status) {
    throw new Error(`expected a cache ${status}, got ${String(t.headers["x-edgefleet-cache"])}`);
  }
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

async function rps(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({
    url,
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    connections: 32,
    duration: 4,
  });
  return result.requests.average;
}

export async function run(json: boolean): Promise<BenchResult> {
  const upstream = await startUpstream();
  const table = {
    origins: [{ id: "up", region: "local", endpoint: upstream.url, models: ["bench-llm"] }],
    model_versions: { "bench-llm": "1" },
  };
  const edge = await startEdge({
    pop: "gateway",
    adminToken: "bench",
    vars: { ORIGINS: JSON.stringify(table), LOG_LEVEL: "error" },
    ...(PROFILE ? { inspectorPort: INSPECTOR_PORT } : {}),
  });
  try {
    await seedEdge(
      edge.url,
      "bench",
      (await defaultModels()).filter((m) => m.manifest.id === "use-lite"),
    );
    const direct = `${upstream.url}/v1/chat/completions`;
    const viaEdge = `${edge.url}/v1/chat/completions`;
    const noStore = { "cache-control": "no-store" };
    const viaEmbed = `${edge.url}/v1/embeddings`;
    const embedBody = JSON.stringify({ model: "use-lite", input: PARAPHRASE });
    progress(json, "warming up…");
    for (let i = 0; i < 300; i++) {
      await timedPost(direct, chat(QUESTION));
      await timedPost(viaEdge, chat(QUESTION), noStore);
    }
    await timedPost(viaEdge, chat(QUESTION)); // fills the cache
    await new Promise((r) => setTimeout(r, 100));
    const semanticCheck = await timedPost(viaEdge, chat(PARAPHRASE));
    if (semanticCheck.headers["x-edgefleet-cache"] !== "semantic") {
      throw new Error(`the paraphrase was not a semantic hit (${String(semanticCheck.headers["x-edgefleet-cache"])})`);
    }
    // Warm the semantic path too: the embedder's session, and the cache's lookup order, which
    // settles on embed-first after 50 lookups the object does not answer exactly (lookup-order.ts).
    for (let i = 0; i < 60; i++) {
      await timedPost(viaEdge, chat(PARAPHRASE));
    }
    const samples = await sampleLatencies(json, { direct, viaEdge, viaEmbed, embedBody });
    progress(json, "throughput at 32 clients…");
    const direct32: number[] = [];
    const edge32: number[] = [];
    let cpuPerRequestMs = NaN;
    for (let r = 0; r < 2; r++) {
      direct32.push(await rps(direct, chat(QUESTION), {}));
      const cpu0 = await childCpuSeconds("workerd");
      const edgeRps = await rps(viaEdge, chat(QUESTION), noStore);
      const cpu1 = await childCpuSeconds("workerd");
      edge32.push(edgeRps);
      cpuPerRequestMs = ((cpu1 - cpu0) * 1000) / (edgeRps * 4);
    }
    let profile: ProfileRow[] = [];
    if (PROFILE) {
      progress(json, "CPU profile of the edge Worker at 32 clients…");
      profile = (await profileWorker(INSPECTOR_PORT, "edge-gateway", () => rps(viaEdge, chat(QUESTION), noStore))).rows;
    }
    return gatewayReport(samples, { direct32, edge32, cpuPerRequestMs, profile });
  } finally {
    await edge.close();
    upstream.child.kill("SIGTERM");
  }
}

/**
 * `ROUNDS` interleaved rounds, one client: direct and through the edge (cache bypassed, exact hit,
 * semantic hit, the embedder alone), and SSE first byte and [DONE] direct and through the edge.
 */
async function sampleLatencies(
  json: boolean,
  urls: { direct: string; viaEdge: string; viaEmbed: string; embedBody: string },
): Promise<Record<string, number[]>> {
  const { direct, viaEdge, viaEmbed, embedBody } = urls;
  const noStore = { "cache-control": "no-store" };
  const samples: Record<string, number[]> = {
    direct: [],
    pass: [],
    exact: [],
    semantic: [],
    embed: [],
    ttfbDirect: [],
    ttfbEdge: [],
    doneDirect: [],
    doneEdge: [],
  };
  const push = (k: string, v: number) => samples[k]?.push(v);
  for (let r = 0; r < ROUNDS; r++) {
    progress(json, `round ${r + 1}/${ROUNDS}…`);
    for (let i = 0; i < 150; i++) {
      push("direct", (await timedPost(direct, chat(QUESTION))).totalMs);
      push("pass", (await timedPost(viaEdge, chat(QUESTION), noStore)).totalMs);
      const hit = await timedPost(viaEdge, chat(QUESTION));
      expectCache(hit, "hit");
      push("exact", hit.totalMs);
    }
    for (let i = 0; i < 30; i++) {
      const sem = await timedPost(viaEdge, chat(PARAPHRASE));
      expectCache(sem, "semantic");
      push("semantic", sem.totalMs);
      // The embedder's own latency as the edge serves it (its HTTP path included, cache bypassed).
      const emb = await timedPost(viaEmbed, embedBody, noStore);
      if (emb.status !== 200) {
        throw new Error(`the embeddings call failed (${emb.status})`);
      }
      push("embed", emb.totalMs);
    }
    for (let i = 0; i < 60; i++) {
      const d = await timedPost(direct, chat(QUESTION, true));
      const e = await timedPost(viaEdge, chat(QUESTION, true), noStore);
      push("ttfbDirect", d.ttfbMs);
      push("ttfbEdge", e.ttfbMs);
      push("doneDirect", d.totalMs);
      push("doneEdge", e.totalMs);
    }
  }
  return samples;
}

/** The bench's metrics, table and notes from its samples. */
function gatewayReport(
  samples: Record<string, number[]>,
  throughput: { direct32: number[]; edge32: number[]; cpuPerRequestMs: number; profile: ProfileRow[] },
): BenchResult {
  const { direct32, edge32, cpuPerRequestMs, profile } = throughput;
  const s = (k: string) => samples[k] ?? [];
  const p50 = (k: string) => median(s(k));
  const p99 = (k: string) => quantile(s(k), 0.99);
  const metrics = {
    "gateway.added_p50_ms.passthrough": round(p50("pass") - p50("direct"), 3),
    "gateway.added_p99_ms.passthrough": round(p99("pass") - p99("direct"), 3),
    "gateway.hit_p50_ms.exact": round(p50("exact"), 3),
    "gateway.hit_p50_ms.semantic": round(p50("semantic"), 3),
    "gateway.rps.c32.passthrough": round(median(edge32), 0),
    "gateway.rps.c32.direct": round(median(direct32), 0),
    "gateway.stream_ttfb_added_ms": round(p50("ttfbEdge") - p50("ttfbDirect"), 3),
    "gateway.embed_p50_ms": round(p50("embed"), 3),
    "gateway.cpu_ms_per_request.passthrough": round(cpuPerRequestMs, 3),
  };
  return {
    bench: "gateway",
    metrics,
    table: [
      ["path", "p50", "p99"],
      ["direct to upstream", ms(p50("direct")), ms(p99("direct"))],
      ["edge, cache bypassed", ms(p50("pass")), ms(p99("pass"))],
      ["edge, exact hit", ms(p50("exact")), ms(p99("exact"))],
      ["edge, semantic hit", ms(p50("semantic")), ms(p99("semantic"))],
      ["edge, /v1/embeddings of the paraphrase", ms(p50("embed")), ms(p99("embed"))],
      ["SSE first byte, direct", ms(p50("ttfbDirect")), ms(p99("ttfbDirect"))],
      ["SSE first byte, edge", ms(p50("ttfbEdge")), ms(p99("ttfbEdge"))],
      ["SSE [DONE], direct", ms(p50("doneDirect")), ms(p99("doneDirect"))],
      ["SSE [DONE], edge", ms(p50("doneEdge")), ms(p99("doneEdge"))],
      [],
      ["32 clients", "req/s", ""],
      ["direct", median(direct32).toFixed(0), ""],
      ["edge, cache bypassed", median(edge32).toFixed(0), ""],
      ...(profile.length > 0
        ? [[], ["edge Worker CPU profile, self time (cache bypassed, 32 clients)", "share", ""]]
        : []),
      ...profile.slice(0, 25).map((r) => [r.frame, `${(100 * r.share).toFixed(1)}%`, ""]),
    ],
    notes: [
      `One client over a kept-alive connection, ${ROUNDS} interleaved rounds; p50/p99 over all rounds. 32 clients: autocannon, 4 s per run, median of 2.`,
      `Edge = the real Worker bundle in workerd (Miniflare) with the upstream as its only origin; semantic hits run the int8 USE-lite embedder in the Worker, after 60 warm-up paraphrases (the lookup order is embed-first then: one object call per semantic hit).`,
      `workerd CPU per pass-through request at 32 clients: ${cpuPerRequestMs.toFixed(2)} ms (utime+stime of the workerd process / requests).`,
    ].join("\n"),
  };
}
