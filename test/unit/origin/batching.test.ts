// Request batching on real onnxruntime-node sessions: concurrent requests that stack run as
// one session call and each gets exactly the answer it would have got alone; models whose
// tensors cannot stack (Silero VAD) are never batched.
import { describe, expect, it } from "vitest";
import { OnnxBackend } from "../../../origin/backends/onnx-backend.ts";
import { modelBatches } from "../../../origin/batching/tensor-batch.ts";
import { LoadTracker } from "../../../origin/load/load-tracker.ts";
import { ortNodeRuntime } from "../../../adapters/node/ort-node.ts";
import { ModelEngine } from "../../../shared/engine/model-engine.ts";
import type { BuiltModel } from "../../../cli/models/build-manifest.ts";
import { MemoryBlobStore } from "../../../shared/storage/memory-blob-store.ts";
import { MemoryModelCatalog } from "../../../shared/storage/memory-model-catalog.ts";
import { defaultModels } from "../../support/native-reference.ts";
import { mlpModel } from "../../support/onnx-mlp.ts";
import { readFile } from "node:fs/promises";

async function backend(models: BuiltModel[], maxBatch: number, maxWaitMs = 200) {
  const blobs = new MemoryBlobStore();
  for (const m of models) {
    for (const [sha, bytes] of m.blobs) {
      await blobs.put(sha, bytes);
    }
  }
  const batches: number[] = [];
  const load = new LoadTracker();
  const b = new OnnxBackend({
    catalog: new MemoryModelCatalog(models.map((m) => m.manifest)),
    engine: new ModelEngine({ runtime: ortNodeRuntime({ threads: 1 }), blobs, budgetBytes: 1024 * 2 ** 20 }),
    batching: { maxBatch, maxWaitMs },
    load,
    onBatch: (_model: string, n: number) => batches.push(n),
  });
  return { b, batches, load };
}

function ask(row: number[]) {
  return { model: "mlp-small", input: { tensors: { x: { dtype: "float32" as const, dims: [1, 8], data: row } } } };
}

const ctx = () => ({ signal: new AbortController().signal, requestId: "t" });

describe("request batching", () => {
  it("batches raw-tensor requests of a model with a batch dimension; each answer equals the unbatched one", async () => {
    const model = await mlpModel([8, 32, 4], "mlp-small");
    const rows = Array.from({ length: 12 }, (_r, i) => Array.from({ length: 8 }, (_c, j) => Math.sin(i * 8 + j)));
    const solo = await backend([model], 1);
    const expected: unknown[] = [];
    for (const row of rows) {
      expected.push((await solo.b.predict(ask(row), ctx())).body.output);
    }
    const batched = await backend([model], 8);
    const answers = await Promise.all(rows.map((row) => batched.b.predict(ask(row), ctx())));
    expect(Math.max(...batched.batches)).toBeGreaterThan(1);
    expect(batched.batches.reduce((a, b) => a + b, 0)).toBe(12);
    expect(Math.max(...batched.batches)).toBeLessThanOrEqual(8);
    answers.forEach((a, i) => {
      const got = (a.body.output as { tensors: { y: { data: number[] } } }).tensors.y.data;
      const want = (expected[i] as { tensors: { y: { data: number[] } } }).tensors.y.data;
      got.forEach((v, k) => expect(v).toBeCloseTo(want[k] ?? NaN, 4));
    });
    expect(solo.batches.every((n) => n === 1)).toBe(true);
  });

  it("batches OCR recognition of same-size lines with the same text as one by one", async () => {
    const rec = (await defaultModels()).filter((m) => m.manifest.id === "ppocr-rec");
    const image = (await readFile("test/fixtures/ocr-line.png")).toString("base64");
    // A batch of 4 runs as soon as the 4th request joins; the long wait only guards a slow machine.
    const { b, batches } = await backend(rec, 4, 5000);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => b.predict({ model: "ppocr-rec", input: { image } }, ctx())),
    );
    expect(batches).toContain(4);
    for (const a of answers) {
      expect((a.body.output as { text: string }).text).toBe("Hello edgefleet 2026");
    }
  });

  it("never batches Silero VAD (its state tensors carry the batch in the second axis)", async () => {
    const vad = (await defaultModels()).find((m) => m.manifest.id === "silero-vad");
    expect(vad && modelBatches(vad.manifest)).toBe(false);
    const rec = (await defaultModels()).find((m) => m.manifest.id === "ppocr-rec");
    expect(rec && modelBatches(rec.manifest)).toBe(true);
  });
});
