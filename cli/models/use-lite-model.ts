/**
 * @module
 * The project's own sentence embedder (USE-lite imported from TF.js and quantized to int8),
 * built from the npm package on first use into `.edgefleet/models/use-lite/<version>/`.
 * The build writes into a private temp folder that is renamed into place, so processes that
 * start together (test workers) never read a half-written model.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildUseLite, DEFAULT_OUT_DIR, USE_LITE_FILES } from "../model-import/build-use-lite.ts";
import { type ModelInfo, ModelInfoSchema } from "../model-import/model-info.ts";
import { readUseLitePackage, useLitePackageDir } from "../model-import/use-lite-package.ts";
import type { ModelSource } from "./build-manifest.ts";

export interface UseLiteFiles {
  dir: string;
  info: ModelInfo;
}

export function ensureUseLite(root = DEFAULT_OUT_DIR): UseLiteFiles {
  const version = readUseLitePackage(useLitePackageDir()).version;
  const dir = resolve(root, version);
  const infoPath = join(dir, USE_LITE_FILES.info);
  if (!existsSync(infoPath)) {
    mkdirSync(resolve(root), { recursive: true });
    const temp = resolve(root, `.build-${process.pid}-${Date.now()}`);
    buildUseLite({ outDir: temp });
    try {
      renameSync(temp, dir);
    } catch {
      // Another process finished first; its files are the same bytes (the build is deterministic).
      rmSync(temp, { recursive: true, force: true });
    }
  }
  return { dir, info: ModelInfoSchema.parse(JSON.parse(readFileSync(infoPath, "utf8"))) };
}

/** USE-lite as a default model: the int8 graph and its SentencePiece vocabulary. */
export function useLiteSource(): ModelSource {
  const { dir, info } = ensureUseLite();
  return {
    id: "use-lite",
    version: "1.0.0",
    task: "embeddings",
    description: "Universal Sentence Encoder lite (512-d), imported from TF.js and quantized to int8 weights.",
    license: info.license,
    model: join(dir, USE_LITE_FILES.int8),
    extras: { vocab: join(dir, USE_LITE_FILES.vocab) },
    settings: {
      tokenizer: { kind: info.tokenizer.kind, max_length: info.tokenizer.max_length, pad_id: info.tokenizer.pad_id },
      inputs: { ids: info.io.inputs[0]?.name ?? "input_ids", mask: info.io.inputs[1]?.name ?? "attention_mask" },
      output: info.io.outputs[0]?.name ?? "embeddings",
      dimensions: info.embedding.dimensions,
      // The graph mean-pools and L2-normalises itself.
      pooling: "model",
      normalize: !info.embedding.normalized,
    },
  };
}
