/**
 * `npm run bench -- edge`: per default model, the median latency of one prediction on
 * ort-web inside workerd (the edge), ort-web under Node, and onnxruntime-node with one
 * thread, measured side by side in interleaved rounds; the cold first request on a fresh
 * isolate; and the workerd process's peak memory.
 * Latency is the `infer` server-timing of the edge (input checks, runs, post-processing; no
 * HTTP) and the same `predict()` call timed in-process for the Node runtimes.
 */
import { readFile } from "node:fs/promises";
import { startEdge } from "../cli/local/edge-miniflare.ts";
import { seedEdge } from "../cli/local/seed-edge.ts";
import type { BuiltModel } from "../cli/models/build-manifest.ts";
import { ModelEngine } from "../shared/engine/model-engine.ts";
import { predict } from "../shared/engine/predict.ts";
import type { OrtRuntime } from "../shared/engine/ort-runtime.ts";
import { MemoryBlobStore } from "../shared/storage/memory-blob-store.ts";
import { ortNodeRuntime } from "../adapters/node/ort-node.ts";
import { readWavPcm16 } from "../test/support/wav.ts";
import { defaultModels } from "../test/support/native-reference.ts";
import { childPeakRssMb } from "./lib/process-memory.ts";
import { ortWebNodeRuntime } from "./lib/ort-web-node.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { median, round } from "./lib/stats.ts";

const WARMUP = 15;
const ROUNDS = 5;
const PER_ROUND = 8;
const TOKEN = "bench-admin";

interface Workload {
  model: string;
  label: string;
  body: { model: string; input: unknown; parameters?: Record<string, unknown> };
}

async function workloads(): Promise<Workload[]> {
  const wav = readWavPcm16(new Uint8Array(await readFile("test/fixtures/speech-16k.wav")));
  const page = (await readFile("test/fixtures/ocr-page.png")).toString("base64");
  const line = (await readFile("test/fixtures/ocr-line.png")).toString("base64");
  return [
    {
      model: "silero-vad",
      label: "1 s audio, 32 frames of 512",
      body: { model: "silero-vad", input: { audio: Array.from(wav.samples.subarray(16000, 32000)) } },
    },
    {
      model: "ppocr-det",
      label: "page image at 320x192",
      body: { model: "ppocr-det", input: { image: page }, parameters: { limit_side_len: 320 } },
    },
    { model: "ppocr-rec", label: "text line 340x48", body: { model: "ppocr-rec", input: { image: line } } },
    {
      model: "use-lite",
      label: "one 9-token sentence",
      body: { model: "use-lite", input: { text: "How do I reset my account password?" } },
    },
  ];
}

function inProcess(runtime: OrtRuntime, models: BuiltModel[]) {
  const blobs = new MemoryBlobStore();
  for (const m of models) {
    for (const [sha, bytes] of m.blobs) {
      void blobs.put(sha, bytes);
    }
  }
  const engine = new ModelEngine({ runtime, blobs, budgetBytes: 1024 * 2 ** 20 });
  return async (w: Workload): Promise<number> => {
    const manifest = models.find((m) => m.manifest.id === w.model)?.manifest;
    if (!manifest) {
      throw new Error(w.model);
    }
    const t = performance.now();
    await predict(engine, manifest, w.body.input, w.body.parameters);
    return performance.now() - t;
  };
}

function viaHttp(url: string) {
  return async (w: Workload): Promise<number> => {
    // no-store: the same input again would be an exact cache hit, and this measures inference.
    const res = await fetch(`${url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json", "cache-control": "no-store" },
      body: JSON.stringify(w.body),
    });
    if (!res.ok) {
      throw new Error(`${w.model}: ${res.status} ${await res.text()}`);
    }
    await res.arrayBuffer();
    const dur = /infer;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1];
    return Number(dur);
  };
}

async function coldStart(models: BuiltModel[], w: Workload): Promise<{ readyMs: number; firstMs: number }> {
  const t0 = performance.now();
  const edge = await startEdge({ pop: `cold-${w.model}`, adminToken: TOKEN });
  const readyMs = performance.now() - t0;
  try {
    await seedEdge(
      edge.url,
      TOKEN,
      models.filter((m) => m.manifest.id === w.model),
    );
    const t1 = performance.now();
    const res = await fetch(`${edge.url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(w.body),
    });
    await res.arrayBuffer();
    return { readyMs, firstMs: performance.now() - t1 };
  } finally {
    await edge.close();
  }
}

export async function run(json: boolean): Promise<BenchResult> {
  const models = await defaultModels();
  const loads = await workloads();
  progress(json, "cold starts (a fresh workerd isolate per model)…");
  const cold = new Map<string, { readyMs: number; firstMs: number }>();
  for (const w of loads) {
    cold.set(w.model, await coldStart(models, w));
  }
  progress(json, "warm latency, interleaved rounds…");
  const edge = await startEdge({ pop: "bench", adminToken: TOKEN });
  try {
    await seedEdge(edge.url, TOKEN, models);
    const runners = {
      workerd: viaHttp(edge.url),
      webNode: inProcess(ortWebNodeRuntime(), models),
      native: inProcess(ortNodeRuntime({ threads: 1 }), models),
    };
    const samples = new Map<string, number[]>();
    for (const w of loads) {
      for (const [name, runOnce] of Object.entries(runners)) {
        for (let i = 0; i < WARMUP; i++) {
          await runOnce(w);
        }
        samples.set(`${name}:${w.model}`, []);
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const w of loads) {
        for (const [name, runOnce] of Object.entries(runners)) {
          for (let i = 0; i < PER_ROUND; i++) {
            samples.get(`${name}:${w.model}`)?.push(await runOnce(w));
          }
        }
      }
    }
    const health = (await (await fetch(`${edge.url}/healthz`)).json()) as { wasm_heap_mb?: number };
    const peak = await childPeakRssMb("workerd");
    const metrics: Record<string, number> = {};
    const table = [
      ["model", "workload", "workerd ms", "ort-web Node ms", "native 1-thr ms", "workerd/native", "cold first ms"],
    ];
    for (const w of loads) {
      const m = (name: string) => median(samples.get(`${name}:${w.model}`) ?? []);
      const ratio = m("workerd") / m("native");
      metrics[`edge.ratio_to_native.${w.model}`] = round(ratio, 2);
      metrics[`edge.cold_ms.${w.model}`] = round(cold.get(w.model)?.firstMs ?? NaN, 0);
      table.push([
        w.model,
        w.label,
        m("workerd").toFixed(2),
        m("webNode").toFixed(2),
        m("native").toFixed(2),
        `${ratio.toFixed(2)}x`,
        (cold.get(w.model)?.firstMs ?? NaN).toFixed(0),
      ]);
    }
    // The isolate's memory is what meets Workers' 128 MB limit: ORT's wasm heap (it never shrinks, so its size is the peak)
    // dominates it; the process RSS also counts workerd itself and the compiled wasm code, which are not per isolate.
    metrics["edge.peak_mb"] = round(health.wasm_heap_mb ?? NaN, 1);
    const readies = [...cold.values()].map((c) => c.readyMs);
    return {
      bench: "edge",
      metrics,
      table,
      notes: [
        `Medians of ${ROUNDS} interleaved rounds x ${PER_ROUND} runs after ${WARMUP} warm-up runs per runtime and model.`,
        "workerd = ort-web 1.30 WASM inside workerd (Miniflare), timed by the edge's server-timing (no HTTP);",
        "ort-web Node and native = the same predict() in-process; native = onnxruntime-node, 1 intra-op thread.",
        `Cold first = R2 get + sha256 check + session create + first run, on a fresh isolate (isolate start itself: median ${median(readies).toFixed(0)} ms).`,
        `edge.peak_mb = ORT wasm heap of the isolate with all the default models loaded and run (${health.wasm_heap_mb ?? "?"} MB; the heap only grows, so this is its peak).`,
        `The whole workerd process peaked at ${peak?.toFixed(0) ?? "?"} MB RSS (workerd, Miniflare's helper workers, the compiled 14 MB wasm).`,
      ].join("\n"),
    };
  } finally {
    await edge.close();
  }
}
