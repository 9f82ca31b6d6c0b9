// The engine on real onnxruntime-node sessions: verification before load, one load for
// concurrent callers, and least-recently-used eviction under the memory budget.
import { describe, expect, it } from "vitest";
import { ModelEngine } from "../../../shared/engine/model-engine.ts";
import { predict } from "../../../shared/engine/predict.ts";
import { ApiError } from "../../../shared/errors.ts";
import type { ModelManifest } from "../../../shared/manifest/model-manifest.ts";
import { MemoryBlobStore } from "../../../shared/storage/memory-blob-store.ts";
import { ortNodeRuntime } from "../../../adapters/node/ort-node.ts";
import { defaultModels } from "../../support/native-reference.ts";

const MB = 2 ** 20;

async function setup(budgetMb: number) {
  const built = await defaultModels();
  const blobs = new MemoryBlobStore();
  for (const m of built) {
    for (const [sha, bytes] of m.blobs) {
      await blobs.put(sha, bytes);
    }
  }
  const byId = (id: string): ModelManifest => {
    const m = built.find((b) => b.manifest.id === id)?.manifest;
    if (!m) {
      throw new Error(id);
    }
    return m;
  };
  return {
    engine: new ModelEngine({ runtime: ortNodeRuntime({ threads: 1 }), blobs, budgetBytes: budgetMb * MB }),
    blobs,
    byId,
  };
}

describe("ModelEngine", () => {
  it("shares one load between concurrent callers", async () => {
    const { engine, byId } = await setup(512);
    const vad = byId("silero-vad");
    const [a, b, c] = await Promise.all([engine.acquire(vad), engine.acquire(vad), engine.acquire(vad)]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(engine.loaded()).toHaveLength(1);
    expect(engine.loaded()[0]).toMatchObject({ id: "silero-vad", provider: "cpu", runtime: "ort-node" });
  });

  it("evicts the least recently used session when the budget is full, and reloads it on demand", async () => {
    // Estimates: vad ~11 MB, det ~20 MB, rec ~39 MB; in 52 MB, vad + det fit, and rec needs one of them out.
    const { engine, byId } = await setup(52);
    const det = byId("ppocr-det");
    const rec = byId("ppocr-rec");
    const vad = byId("silero-vad");
    await engine.acquire(vad);
    await engine.acquire(det);
    expect(
      engine
        .loaded()
        .map((m) => m.id)
        .toSorted(),
    ).toEqual(["ppocr-det", "silero-vad"]);
    await engine.acquire(vad); // vad is now the most recently used
    await engine.acquire(rec);
    expect(
      engine
        .loaded()
        .map((m) => m.id)
        .toSorted(),
    ).toEqual(["ppocr-rec", "silero-vad"]);
    const out = await predict(
      engine,
      det,
      { tensors: { x: { dtype: "float32", dims: [1, 3, 32, 32], data: Array.from({ length: 3072 }, () => 0.5) } } },
      {},
    );
    expect(out.loaded.manifest.id).toBe("ppocr-det");
    expect(engine.loaded().some((m) => m.id === "ppocr-det")).toBe(true);
  });

  it("refuses a model larger than the whole budget with 503 model_too_large", async () => {
    const { engine, byId } = await setup(10);
    await expect(engine.acquire(byId("ppocr-rec"))).rejects.toMatchObject({ status: 503, code: "model_too_large" });
  });

  it("refuses bytes that do not match the manifest, and a file missing from the store", async () => {
    const { engine, blobs, byId } = await setup(512);
    const vad = byId("silero-vad");
    const file = vad.files[0];
    if (!file) {
      throw new Error("no file");
    }
    const good = await blobs.get(file.sha256);
    await blobs.put(file.sha256, (good ?? new Uint8Array()).slice(0, 1000));
    const error = await engine.acquire(vad).catch((e: unknown) => e);
    expect(ApiError.is(error) && error.code).toBe("model_integrity_failed");
    expect(engine.loaded()).toHaveLength(0);
    const ghost = { ...vad, version: "9.9.9", files: [{ ...file, sha256: "a".repeat(64) }] };
    await expect(engine.acquire(ghost)).rejects.toMatchObject({ status: 503, code: "model_unavailable" });
  });

  it("checks input before loading: a bad request loads nothing", async () => {
    const { engine, byId } = await setup(512);
    await expect(predict(engine, byId("ppocr-rec"), { image: "bm90IGFuIGltYWdl" }, {})).rejects.toMatchObject({
      status: 400,
    });
    expect(engine.loaded()).toHaveLength(0);
  });
});
