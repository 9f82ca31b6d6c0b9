/**
 * The int8 model on onnxruntime-web (WASM, as the edge runs it), under Node: it loads, and its
 * embeddings agree with onnxruntime-node — as built, and with dequantization folded at load
 * (`disable_quant_qdq`, the faster setting on WASM).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildUseLite, USE_LITE_FILES, type BuildResult } from "../../../cli/model-import/build-use-lite.ts";
import { SentencePieceUnigramTokenizer } from "../../../shared/tokenizers/sentencepiece-unigram.ts";
import { everyNth, stsbPairs } from "./dev-data.ts";
import { cosine, median } from "./metrics.ts";
import { embedBatch, type OnnxEmbedderOptions } from "./onnx-embedder.ts";

describe("USE-lite int8 on onnxruntime-web (WASM) under Node", () => {
  const outDir = mkdtempSync(join(tmpdir(), "use-lite-web-"));
  const texts = everyNth([...new Set(stsbPairs().flatMap((p) => [p.a, p.b]))], 64);
  let build: BuildResult;
  let modelBytes: Uint8Array;
  let tokenizer: SentencePieceUnigramTokenizer;
  let native: Float32Array[];

  beforeAll(async () => {
    build = buildUseLite({ outDir });
    modelBytes = new Uint8Array(readFileSync(join(outDir, USE_LITE_FILES.int8)));
    tokenizer = new SentencePieceUnigramTokenizer(JSON.parse(readFileSync(join(outDir, USE_LITE_FILES.vocab), "utf8")));
    const session = await ortNode.InferenceSession.create(modelBytes, { intraOpNumThreads: 1 });
    native = await embedBatch(
      {
        session,
        tokenizer,
        int64: (d, dims) => new ortNode.Tensor("int64", d, [...dims]),
        maxLength: build.info.tokenizer.max_length,
        padId: build.info.tokenizer.pad_id,
      },
      texts,
    );
    ortWeb.env.wasm.numThreads = 1;
  }, 60_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  for (const foldDequantize of [false, true]) {
    it(
      `agrees with onnxruntime-node (cosine ≥ 0.999)${foldDequantize ? ", dequantization folded at load" : ""}`,
      { timeout: 60_000 },
      async () => {
        const session = await ortWeb.InferenceSession.create(modelBytes, {
          executionProviders: ["wasm"],
          ...(foldDequantize ? { extra: { session: { disable_quant_qdq: "1" } } } : {}),
        });
        const options: OnnxEmbedderOptions = {
          session,
          tokenizer,
          int64: (d, dims) => new ortWeb.Tensor("int64", d, [...dims]),
          maxLength: build.info.tokenizer.max_length,
          padId: build.info.tokenizer.pad_id,
        };
        const web = await embedBatch(options, texts);
        const cosines = web.map((v, i) => cosine(v, native[i] ?? new Float32Array()));
        console.log(
          `ort-web${foldDequantize ? " (folded)" : ""} vs ort-node: cosine min ${Math.min(...cosines).toFixed(6)}, median ${median(cosines).toFixed(6)}`,
        );
        expect(cosines).toHaveLength(texts.length);
        expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.999);
      },
    );
  }
});
