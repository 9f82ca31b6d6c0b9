/**
 * `npm run bench -- fleet`: how fast a fleet converges on a new version, and what it costs.
 * N simulated PoPs (real sync agents in this process, long-polling the real control plane
 * app; see lib/fleet-sim.ts) serve v1 of a small model; the clock starts at the operator's
 * rollout of v2 (one tensor changed) and stops when the last PoP has reported it serves v2.
 * Metrics: `fleet.converge_s.<N>` for N = 10, 100, 1000; `fleet.requests_per_pop` (every
 * HTTP request a PoP sends to the control plane for one update, at N = 1000: feed, TUF
 * metadata, manifest, chunks, reports); and bytes one PoP downloads for a one-tensor change of
 * PP-OCRv4 rec against a full download.
 */
import { readFile } from "node:fs/promises";
import { defaultModelSources } from "../cli/models/default-models.ts";
import { describeOnnx } from "../cli/models/describe-onnx.ts";
import type { ModelDraft } from "../shared/registry/publish.ts";
import { mlpOnnx } from "../test/support/onnx-mlp.ts";
import { type SimControl, simControl, simPop, type SimPop } from "../test/support/fleet-sim.ts";
import { float32Weights, perturbTensor } from "../test/support/onnx-perturb.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { round } from "./lib/stats.ts";

const SIZES = [10, 100, 1000] as const;
const MODEL = "fleet-mlp";

async function draft(id: string, version: string, bytes: Uint8Array): Promise<ModelDraft> {
  return {
    id,
    version,
    task: "raw",
    io: await describeOnnx(bytes),
    files: [{ name: "model.onnx", role: "model", bytes }],
  };
}

/** The middle-sized float32 tensor of at least 64 KiB (the chunking bench's choice). */
function oneTensorEdit(model: Uint8Array): Uint8Array {
  const big = float32Weights(model).filter((w) => w.dataEnd - w.dataStart >= 64 * 1024);
  const pick = big[Math.floor(big.length / 2)] ?? float32Weights(model).at(-1);
  if (!pick) {
    throw new Error("model has no float32 tensor");
  }
  return perturbTensor(model, pick);
}

interface Converge {
  n: number;
  seconds: number;
  api: number;
  registry: number;
}

async function converge(n: number): Promise<Converge> {
  const control = await simControl();
  const v1 = mlpOnnx([32, 256, 256, 8]);
  await control.publish(await draft(MODEL, "1.0.0", v1));
  await control.operator.rollout({ model: MODEL, version: "1.0.0", channel: "stable" });
  const pops: SimPop[] = [];
  for (let i = 0; i < n; i++) {
    pops.push(await simPop(control, `pop-${i}`));
  }
  await Promise.all(pops.map((p) => p.agent.runOnce(0)));
  await control.publish(await draft(MODEL, "2.0.0", oneTensorEdit(v1)));

  const perPop: { api: number; registry: number }[] = [];
  const loop = { stop: false, converged: (): void => undefined };
  const all = new Promise<void>((resolve) => {
    loop.converged = resolve;
  });
  for (const pop of pops) {
    void (async () => {
      while (!loop.stop) {
        const before = { ...pop.requests };
        const result = await pop.agent.runOnce(5000);
        if (result.switched.includes(MODEL)) {
          perPop.push({ api: pop.requests.api - before.api, registry: pop.requests.registry - before.registry });
          if (perPop.length === n) {
            loop.converged();
          }
        }
      }
    })();
  }
  await waitForListeners(control, n);
  const started = performance.now();
  await control.operator.rollout({ model: MODEL, version: "2.0.0", channel: "stable" });
  await all;
  const seconds = (performance.now() - started) / 1000;
  loop.stop = true;
  const mean = (k: "api" | "registry") => perPop.reduce((s, p) => s + p[k], 0) / perPop.length;
  return { n, seconds, api: mean("api"), registry: mean("registry") };
}

/** Every PoP's long poll is waiting before the clock starts (polls once per event-loop turn). */
async function waitForListeners(control: SimControl, n: number): Promise<void> {
  while (control.coordinator.waiting < n) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function bytesPerPop(): Promise<{ full: number; delta: number; size: number }> {
  const rec = defaultModelSources().find((s) => s.id === "ppocr-rec");
  if (!rec) {
    throw new Error("ppocr-rec is not among the default models");
  }
  const v1 = new Uint8Array(await readFile(rec.model));
  const control = await simControl();
  await control.publish(await draft("rec", "1.0.0", v1));
  await control.publish(await draft("rec", "1.1.0", oneTensorEdit(v1)));
  const pop = await simPop(control, "bytes");
  await control.operator.rollout({ model: "rec", version: "1.0.0", channel: "stable" });
  await pop.agent.runOnce(0);
  const full = pop.client.stats.fetchedBytes;
  await control.operator.rollout({ model: "rec", version: "1.1.0", channel: "stable" });
  await pop.agent.runOnce(0);
  return { full, delta: pop.client.stats.fetchedBytes - full, size: v1.byteLength };
}

export async function run(json: boolean): Promise<BenchResult> {
  const results: Converge[] = [];
  for (const n of SIZES) {
    progress(json, `fleet of ${n} PoPs…`);
    results.push(await converge(n));
  }
  progress(json, "bytes per PoP for a one-tensor change of ppocr-rec…");
  const bytes = await bytesPerPop();
  const last = results.at(-1);
  const metrics: Record<string, number> = {};
  for (const r of results) {
    metrics[`fleet.converge_s.${r.n}`] = round(r.seconds, 3);
  }
  metrics["fleet.requests_per_pop"] = round((last?.api ?? 0) + (last?.registry ?? 0), 2);
  metrics["fleet.api_requests_per_pop"] = round(last?.api ?? 0, 2);
  metrics["fleet.registry_requests_per_pop"] = round(last?.registry ?? 0, 2);
  metrics["fleet.bytes_per_pop.one_tensor"] = bytes.delta;
  metrics["fleet.bytes_per_pop.full"] = bytes.full;
  metrics["fleet.bytes_ratio_one_tensor_to_full"] = round(bytes.delta / bytes.full, 4);
  return {
    bench: "fleet",
    metrics,
    notes:
      "Simulated PoPs: real sync agents and the real control-plane app in one process (app.fetch, no sockets); " +
      "sessions are not built (pre-warm stops after the verified bytes). Convergence: operator rollout of v2 " +
      "(one tensor changed, 32-256-256-8 MLP) until the last PoP serves it; agents long-poll the feed. " +
      `Requests per PoP per update at N=${last?.n ?? 0}: feed + reports (api) and TUF metadata, manifest, chunks (registry). ` +
      `Bytes: ppocr-rec (${(bytes.size / 1e6).toFixed(1)} MB), one median tensor ≥ 64 KiB scaled, chunks fetched by one PoP.`,
    table: [
      ["PoPs", "converge s", "api req/PoP", "registry req/PoP"],
      ...results.map((r) => [String(r.n), r.seconds.toFixed(3), r.api.toFixed(2), r.registry.toFixed(2)]),
      ["bytes/PoP one-tensor", String(bytes.delta), "full", String(bytes.full)],
    ],
  };
}
