/**
 * The imported ONNX model (fp32 and int8, on onnxruntime-node) against the TF.js reference
 * (@energetic-ai/embeddings): per-sentence cosine on the dev sentences, and the same STS-B
 * Spearman and MRPC ROC-AUC within 1 point. Figures are printed and written to
 * test-artifacts/use-lite-parity.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildUseLite, USE_LITE_FILES, type BuildResult } from "../../../cli/model-import/build-use-lite.ts";
import { SentencePieceUnigramTokenizer } from "../../../shared/tokenizers/sentencepiece-unigram.ts";
import { everyNth, mrpcPairs, stsbPairs, type ScoredPair } from "./dev-data.ts";
import { cosine, median, rocAuc, spearman } from "./metrics.ts";
import { embedAll, embedBatch, type OnnxEmbedderOptions } from "./onnx-embedder.ts";
import { embedReference, loadReference } from "./tfjs-reference.ts";

/**
 * The TF.js reference runs at ~8–15 ms a sentence on one core, so by default both sets are
 * subsampled (evenly spread) to keep this file near 30 s; USE_LITE_PARITY_FULL=1 uses all of
 * STS-B dev (1,500 pairs) and MRPC train (4,076 pairs).
 */
const FULL = process.env["USE_LITE_PARITY_FULL"] === "1";
const STSB_PAIRS = FULL ? Infinity : 800;
const MRPC_PAIRS = FULL ? Infinity : 300;
const LATENCY_RUNS = 200;

type Embeddings = ReadonlyMap<string, ArrayLike<number>>;

function int64(data: BigInt64Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("int64", data, [...dims]);
}

function get(map: Embeddings, text: string): ArrayLike<number> {
  const v = map.get(text);
  if (v === undefined) {
    throw new Error(`no embedding for ${JSON.stringify(text)}`);
  }
  return v;
}

function pairScores(map: Embeddings, pairs: readonly ScoredPair[]): number[] {
  return pairs.map((p) => cosine(get(map, p.a), get(map, p.b)));
}

describe("USE-lite ONNX vs TF.js reference", () => {
  const stsb = everyNth(stsbPairs(), STSB_PAIRS);
  const mrpc = everyNth(mrpcPairs(), MRPC_PAIRS);
  const texts = [...new Set([...stsb, ...mrpc].flatMap((p) => [p.a, p.b]))];
  const summary: Record<string, number | string> = {};
  const outDir = mkdtempSync(join(tmpdir(), "use-lite-"));
  let build: BuildResult;
  let reference: Map<string, number[]>;
  const onnx: Record<"fp32" | "int8", Map<string, Float32Array>> = { fp32: new Map(), int8: new Map() };
  const options: Partial<Record<"fp32" | "int8", OnnxEmbedderOptions>> = {};

  beforeAll(
    async () => {
      build = buildUseLite({ outDir });
      const tokenizer = new SentencePieceUnigramTokenizer(
        JSON.parse(readFileSync(join(outDir, USE_LITE_FILES.vocab), "utf8")),
      );
      for (const variant of ["fp32", "int8"] as const) {
        const session = await ort.InferenceSession.create(join(outDir, USE_LITE_FILES[variant]), {
          intraOpNumThreads: 1,
        });
        const variantOptions = {
          session,
          tokenizer,
          int64,
          maxLength: build.info.tokenizer.max_length,
          padId: build.info.tokenizer.pad_id,
        };
        options[variant] = variantOptions;
        onnx[variant] = await embedAll(variantOptions, texts);
      }
      const started = performance.now();
      reference = await embedReference(await loadReference(), texts);
      summary["tfjs_ms_per_sentence"] = (performance.now() - started) / texts.length;
      summary["sentences"] = texts.length;
    },
    FULL ? 600_000 : 120_000,
  );

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    console.table(summary);
    mkdirSync("test-artifacts", { recursive: true });
    writeFileSync(join("test-artifacts", "use-lite-parity.json"), `${JSON.stringify(summary, null, 2)}\n`);
  });

  for (const [variant, threshold] of [
    ["fp32", 0.9999],
    ["int8", 0.99],
  ] as const) {
    it(`${variant}: cosine with TF.js ≥ ${threshold} on every dev sentence`, () => {
      const cosines = texts.map((t) => cosine(get(onnx[variant], t), get(reference, t)));
      summary[`${variant}_cosine_min`] = Math.min(...cosines);
      summary[`${variant}_cosine_median`] = median(cosines);
      expect(Math.min(...cosines)).toBeGreaterThanOrEqual(threshold);
    });
  }

  it("STS-B dev: Spearman ×100 of cosine vs gold within 1 point of TF.js", () => {
    const gold = stsb.map((p) => p.score);
    const tfjs = 100 * spearman(pairScores(reference, stsb), gold);
    summary["stsb_pairs"] = stsb.length;
    summary["stsb_spearman_tfjs"] = tfjs;
    for (const variant of ["fp32", "int8"] as const) {
      const score = 100 * spearman(pairScores(onnx[variant], stsb), gold);
      summary[`stsb_spearman_${variant}`] = score;
      expect(Math.abs(score - tfjs)).toBeLessThanOrEqual(1);
    }
  });

  it("MRPC train: ROC-AUC ×100 of cosine vs paraphrase label within 1 point of TF.js", () => {
    const labels = mrpc.map((p) => p.score);
    const tfjs = 100 * rocAuc(pairScores(reference, mrpc), labels);
    summary["mrpc_pairs"] = mrpc.length;
    summary["mrpc_auc_tfjs"] = tfjs;
    for (const variant of ["fp32", "int8"] as const) {
      const score = 100 * rocAuc(pairScores(onnx[variant], mrpc), labels);
      summary[`mrpc_auc_${variant}`] = score;
      expect(Math.abs(score - tfjs)).toBeLessThanOrEqual(1);
    }
  });

  it("int8 model is about 4× smaller than fp32", () => {
    const [fp32, int8] = [USE_LITE_FILES.fp32, USE_LITE_FILES.int8].map(
      (name) => build.info.files.find((f) => f.name === name)?.size ?? 0,
    );
    summary["fp32_mb"] = (fp32 ?? 0) / 1e6;
    summary["int8_mb"] = (int8 ?? 0) / 1e6;
    summary["build_s"] = build.millis / 1000;
    expect((fp32 ?? 0) / (int8 ?? 1)).toBeGreaterThan(3.5);
  });

  // Not asserted (machines differ): single-sentence latency, one thread, for the report.
  it("measures per-sentence latency on onnxruntime-node", async () => {
    const sample = everyNth(texts, LATENCY_RUNS);
    for (const variant of ["fp32", "int8"] as const) {
      const variantOptions = options[variant];
      if (variantOptions === undefined) {
        throw new Error(`${variant} session missing`);
      }
      for (const text of sample.slice(0, 20)) {
        await embedBatch(variantOptions, [text]);
      }
      const times: number[] = [];
      for (const text of sample) {
        const started = performance.now();
        await embedBatch(variantOptions, [text]);
        times.push(performance.now() - started);
      }
      summary[`${variant}_ms_per_sentence_p50`] = median(times);
      expect(median(times)).toBeGreaterThan(0);
    }
  });
});
