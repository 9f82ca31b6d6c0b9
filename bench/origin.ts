/**
 * `npm run bench -- origin`: what batching buys an origin, and what a failover costs a caller.
 *
 * Batching: two origin processes (`edgefleet origin`, onnxruntime-node, all cores), one with
 * batching (the default: up to 32 rows, no extra wait) and one without (max 1), serve the same raw-tensor model
 * with a batch dimension; closed-loop clients at 1, 8 and 32 concurrency send requests for a
 * fixed time, alternating between the two origins in rounds (ABBA); the speedup is the ratio of
 * median throughputs. The model is a synthetic wide MLP (512→4096→4096→512, 80 MB of fp32
 * weights, written as ONNX by the test support): memory-bound at batch 1 like embedders and
 * decoder layers are. No such model ships in an npm package and no hub is reachable here;
 * the default models are compute-bound convolution nets that do not batch well on a CPU.
 *
 * Failover: an edge in workerd whose table sends model `direct` to a healthy origin and model
 * `failover` first to a killed origin (connection refused, breaker kept closed so every request
 * pays the failover) and then to the same healthy origin. Interleaved sequential requests;
 * the added latency is the p50 and p99 of the paired differences.
 */
import { installOriginModels } from "../cli/local/origin-models.ts";
import { startEdge } from "../cli/local/edge-miniflare.ts";
import { startFakeOrigin } from "../test/support/fake-origin.ts";
import { mlpModel } from "../test/support/onnx-mlp.ts";
import { type OriginProcess, spawnOrigin } from "../test/support/origin-fixtures.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { median, quantile, round } from "./lib/stats.ts";

const WIDTHS = [512, 4096, 4096, 512];
const CONCURRENCY = [1, 8, 32] as const;
const ROUNDS = 5;
const WINDOW_MS = 1500;
const FAILOVER_PAIRS = 1000;

function requestBody(): string {
  const row = Float32Array.from({ length: WIDTHS[0] ?? 0 }, (_v, i) => Math.sin(i));
  return JSON.stringify({
    model: "mlp-wide",
    input: {
      tensors: { x: { dtype: "float32", dims: [1, row.length], data: Buffer.from(row.buffer).toString("base64") } },
    },
    parameters: { encoding: "base64" },
  });
}

/** Closed-loop load: `clients` callers each send the next request as soon as the last one answered. */
async function throughput(url: string, body: string, clients: number, windowMs: number): Promise<number> {
  const until = performance.now() + windowMs;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const res = await fetch(`${url}/v1/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        if (res.status !== 200) {
          throw new Error(`origin answered ${res.status}: ${await res.text()}`);
        }
        await res.arrayBuffer();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function batching(json: boolean): Promise<Record<number, { batched: number; unbatched: number }>> {
  progress(json, "building the synthetic MLP and starting two origins…");
  const model = await mlpModel(WIDTHS);
  const dataDir = await tempDir("bench-origin");
  const manifests = await installOriginModels(dataDir, [model]);
  const base = { data_dir: dataDir, manifests, memory_budget_mb: 2048 };
  const origins: Record<"batched" | "unbatched", OriginProcess> = {
    batched: await spawnOrigin({ ...base, region: "batched", batching: { max_batch: 32, max_wait_ms: 0 } }),
    unbatched: await spawnOrigin({ ...base, region: "unbatched", batching: { max_batch: 1, max_wait_ms: 0 } }),
  };
  try {
    await Promise.all(Object.values(origins).map((o) => o.waitReady(120_000)));
    const body = requestBody();
    const out: Record<number, { batched: number; unbatched: number }> = {};
    for (const clients of CONCURRENCY) {
      const samples = { batched: [] as number[], unbatched: [] as number[] };
      for (const kind of ["unbatched", "batched"] as const) {
        await throughput(origins[kind].url, body, clients, 300); // warm connections and caches
      }
      for (let r = 0; r < ROUNDS; r++) {
        // ABBA order, so whichever runs second in a round (warmer, or hit by a neighbour's load) is not always the same one.
        for (const kind of r % 2 === 0 ? (["unbatched", "batched"] as const) : (["batched", "unbatched"] as const)) {
          samples[kind].push(await throughput(origins[kind].url, body, clients, WINDOW_MS));
        }
      }
      out[clients] = { batched: median(samples.batched), unbatched: median(samples.unbatched) };
      progress(
        json,
        `  ${clients} clients: ${out[clients]?.unbatched.toFixed(1)} rps unbatched, ${out[clients]?.batched.toFixed(1)} rps batched`,
      );
    }
    return out;
  } finally {
    for (const o of Object.values(origins)) {
      o.child.kill("SIGTERM");
      await o.exited;
    }
  }
}

async function failover(json: boolean): Promise<{ direct: number[]; failover: number[] }> {
  progress(json, "measuring failover latency through the edge in workerd…");
  const healthy = await startFakeOrigin("healthy");
  const neverOpen = { consecutive_failures: 1_000_000, error_rate: 1, min_requests: 1_000_000 };
  const edge = await startEdge({
    pop: "bench",
    adminToken: "bench",
    vars: {
      LOG_LEVEL: "error",
      ORIGINS: JSON.stringify({
        origins: [
          { id: "killed", region: "eu-west", endpoint: "http://127.0.0.1:9", models: ["failover"] },
          { id: "healthy", region: "us-east", endpoint: healthy.url, priority: 1, models: ["failover", "direct"] },
        ],
        policy: { breaker: neverOpen, retry_budget: { ratio: 1, min_per_window: 1_000_000 } },
      }),
    },
  });
  const timed = async (model: string) => {
    const started = performance.now();
    const res = await fetch(`${edge.url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, input: {} }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) {
      throw new Error(`edge answered ${res.status}`);
    }
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < 30; i++) {
      await timed("direct");
      await timed("failover");
    }
    const out = { direct: [] as number[], failover: [] as number[] };
    for (let i = 0; i < FAILOVER_PAIRS; i++) {
      out.direct.push(await timed("direct"));
      out.failover.push(await timed("failover"));
    }
    return out;
  } finally {
    await edge.close();
    await healthy.stop();
  }
}

const p = (xs: number[], q: number) => quantile(xs, q);

export async function run(json: boolean): Promise<BenchResult> {
  const rps = await batching(json);
  const f = await failover(json);
  const metrics: Record<string, number> = {};
  const table = [["measure", "1 client", "8 clients", "32 clients"]];
  for (const c of CONCURRENCY) {
    const r = rps[c] ?? { batched: NaN, unbatched: NaN };
    metrics[`origin.batching_speedup.${c}`] = round(r.batched / r.unbatched);
    metrics[`origin.rps_batched.${c}`] = round(r.batched, 1);
    metrics[`origin.rps_unbatched.${c}`] = round(r.unbatched, 1);
  }
  table.push(["rps, no batching", ...CONCURRENCY.map((c) => (rps[c]?.unbatched ?? NaN).toFixed(1))]);
  table.push(["rps, batching (≤32 rows)", ...CONCURRENCY.map((c) => (rps[c]?.batched ?? NaN).toFixed(1))]);
  table.push(["speedup", ...CONCURRENCY.map((c) => `${metrics[`origin.batching_speedup.${c}`]}×`)]);
  // Paired: each failover request against the direct one sent just before it, so machine
  // noise that hits both cancels instead of making a tail quantile of two samples meaningless.
  const added = f.failover.map((ms, i) => ms - (f.direct[i] ?? NaN));
  metrics["origin.failover_added_p50_ms"] = round(p(added, 0.5));
  metrics["origin.failover_added_p99_ms"] = round(p(added, 0.99));
  metrics["origin.direct_p50_ms"] = round(p(f.direct, 0.5));
  metrics["origin.direct_p99_ms"] = round(p(f.direct, 0.99));
  table.push(["", "", "", ""]);
  table.push(["edge→origin latency", "p50", "p99", ""]);
  table.push(["direct", p(f.direct, 0.5).toFixed(2), p(f.direct, 0.99).toFixed(2), "ms"]);
  table.push(["after a failover", p(f.failover, 0.5).toFixed(2), p(f.failover, 0.99).toFixed(2), "ms"]);
  return {
    bench: "origin",
    metrics,
    notes:
      `Batching: synthetic MLP ${WIDTHS.join("→")} (raw tensors, batch dimension), two origin processes side by side, ` +
      `median of ${ROUNDS} rounds of ${WINDOW_MS} ms closed-loop load. Failover: ${FAILOVER_PAIRS} interleaved sequential ` +
      "requests through the edge in workerd; the failing origin refuses connections (killed, breaker held closed so every " +
      "request fails over); the added latency is the p50/p99 of (failover − the direct request sent just before it). Loopback, one machine.",
    table,
  };
}
