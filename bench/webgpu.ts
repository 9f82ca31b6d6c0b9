/**
 * `npm run bench -- webgpu`: per model, the median latency of one raw session run on WebGPU and
 * on WASM inside headless Chromium (the browser device's runtime, onnxruntime-web), and on
 * onnxruntime-node with one thread, on the same inputs; and the WebGPU-vs-WASM parity (max abs
 * difference of the outputs, same page). The models come the real way: a signed registry on
 * loopback, synced by the browser device into OPFS.
 *
 * On a machine without a GPU, Chromium's WebGPU adapter is SwiftShader — a CPU pretending to be
 * a GPU, about two orders of magnitude slower than WASM. Those timings are reported as they are
 * (the adapter's name is in the notes); they say nothing about a real GPU.
 * Rounds are interleaved (WebGPU, WASM, native, again); each round is one session with a
 * first run (shader compilation on WebGPU, not counted) and `PER_ROUND` timed runs.
 */
import * as ortNode from "onnxruntime-node";
import type { EdgefleetPage } from "../device/browser/app.ts";
import type { RawTensor } from "../device/browser/raw-run.ts";
import type { ModelDraft } from "../shared/registry/publish.ts";
import { startBrowserDevice } from "../test/support/browser-device-fixture.ts";
import { chromiumMissing } from "../test/support/chromium.ts";
import { defaultModelDraft } from "../test/support/default-model-draft.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { median, round } from "./lib/stats.ts";

const ROUNDS = 3;
const PER_ROUND = 3;
const SIDE = 64;
const TOKENS = 16;

type Page = { edgefleet: EdgefleetPage };

interface Workload {
  model: string;
  label: string;
  feeds: Record<string, RawTensor>;
}

function workloads(): Workload[] {
  const ids = Array.from({ length: TOKENS }, (_, i) => (i === 0 ? 1 : 100 + i * 37));
  return [
    {
      model: "ppocr-det",
      label: `PP-OCRv4 det, ${SIDE}x${SIDE}`,
      feeds: {
        x: {
          type: "float32",
          dims: [1, 3, SIDE, SIDE],
          data: Array.from({ length: 3 * SIDE * SIDE }, (_, i) => Math.sin(i * 0.37) * 0.5),
        },
      },
    },
    {
      model: "use-lite",
      label: `USE-lite int8, ${TOKENS} tokens`,
      feeds: {
        input_ids: { type: "int64", dims: [1, TOKENS], data: ids },
        attention_mask: { type: "int64", dims: [1, TOKENS], data: ids.map(() => 1) },
      },
    },
  ];
}

function nativeTensor(t: RawTensor): ortNode.Tensor {
  const data = t.type === "int64" ? BigInt64Array.from(t.data.map((v) => BigInt(v))) : Float32Array.from(t.data);
  return new ortNode.Tensor(t.type, data, t.dims);
}

/** Median ms of `PER_ROUND` runs after one untimed run, on one fresh onnxruntime-node session (1 thread). */
async function nativeRound(model: Uint8Array, feeds: Record<string, RawTensor>): Promise<number> {
  const session = await ortNode.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const inputs = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, nativeTensor(t)]));
  await session.run(inputs);
  const times: number[] = [];
  for (let i = 0; i < PER_ROUND; i++) {
    const at = performance.now();
    await session.run(inputs);
    times.push(performance.now() - at);
  }
  await session.release();
  return median(times);
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    return Number.POSITIVE_INFINITY;
  }
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? Number.NaN))), 0);
}

export async function run(json: boolean): Promise<BenchResult> {
  const missing = chromiumMissing();
  if (missing) {
    throw new Error(`the webgpu bench needs Chromium: ${missing}`);
  }
  const jobs = workloads();
  const drafts: ModelDraft[] = [];
  for (const w of jobs) {
    drafts.push(await defaultModelDraft(w.model, "1.0.0"));
  }
  progress(json, "building the device app, publishing, starting Chromium…");
  const fx = await startBrowserDevice(drafts);
  try {
    await fx.open();
    const synced = await fx.page.evaluate(
      ([server, models]) => (globalThis as unknown as Page).edgefleet.device.sync({ server, models }),
      [fx.registryUrl, jobs.map((w) => w.model)] as const,
    );
    if (!synced.ok) {
      throw new Error(`sync failed: ${JSON.stringify(synced.models.map((m) => m.error))}`);
    }
    const found = await fx.page.evaluate(() => (globalThis as unknown as Page).edgefleet.device.providers());
    const adapter = found.adapter ?? `none (${found.reason ?? "?"})`;
    const metrics: Record<string, number> = {};
    const table = [["model", "WebGPU ms", "WASM ms", "ort-node ms", "WebGPU ÷ WASM", "parity (max abs)"]];
    for (const [index, w] of jobs.entries()) {
      const modelBytes = drafts[index]?.files.find((f) => f.role === "model")?.bytes ?? new Uint8Array();
      const gpu: number[] = [];
      const wasm: number[] = [];
      const native: number[] = [];
      let parity = 0;
      for (let r = 0; r < ROUNDS; r++) {
        progress(json, `${w.label}: round ${r + 1}/${ROUNDS}`);
        const [g, c] = await fx.page.evaluate(
          async ([model, feeds, runs]) => {
            const ef = (globalThis as unknown as Page).edgefleet;
            return [await ef.rawRun(model, "webgpu", feeds, runs), await ef.rawRun(model, "wasm", feeds, runs)];
          },
          [w.model, w.feeds, PER_ROUND + 1] as const,
        );
        gpu.push(g.medianMs ?? g.firstMs);
        wasm.push(c.medianMs ?? c.firstMs);
        for (const [name, out] of Object.entries(g.outputs)) {
          parity = Math.max(parity, maxAbsDiff(out.data, c.outputs[name]?.data ?? []));
        }
        native.push(await nativeRound(modelBytes, w.feeds));
      }
      const [mg, mw, mn] = [median(gpu), median(wasm), median(native)];
      metrics[`webgpu.parity_max_abs_diff.${w.model}`] = parity;
      metrics[`webgpu.median_ms.${w.model}`] = round(mg, 2);
      metrics[`webgpu.wasm_median_ms.${w.model}`] = round(mw, 2);
      metrics[`webgpu.native_median_ms.${w.model}`] = round(mn, 2);
      table.push([
        w.label,
        round(mg, 1).toString(),
        round(mw, 1).toString(),
        round(mn, 1).toString(),
        `${round(mg / mw, 1)}×`,
        parity.toExponential(1),
      ]);
    }
    return {
      bench: "webgpu",
      metrics,
      notes:
        `WebGPU adapter: ${adapter}. Headless Chromium (${fx.browser.version()}), onnxruntime-web 1.30 (one WASM thread) ` +
        `vs onnxruntime-node 1.30 (one thread); median of ${ROUNDS} interleaved rounds × ${PER_ROUND} runs after one untimed run. ` +
        (/swiftshader/i.test(adapter)
          ? "SwiftShader is a software adapter (the CPU emulating a GPU): its WebGPU timings are not GPU timings."
          : ""),
      table,
    };
  } finally {
    await fx.close();
  }
}
