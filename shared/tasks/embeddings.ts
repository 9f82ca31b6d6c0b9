/**
 * @module
 * Sentence embeddings from any ONNX text encoder whose manifest names its tokenizer, input
 * and output tensors, pooling and dimensions — USE-lite (the project's own import) or an
 * operator's MiniLM/BGE. Texts are tokenised, batched with an attention mask, run once, pooled
 * if the graph does not pool, and L2-normalised so cosine similarity is a dot product.
 */
import { z } from "zod";
import { ApiError } from "../errors.ts";
import type { ModelManifest } from "../manifest/model-manifest.ts";
import { toBatchInputs } from "../tokenizers/batch-inputs.ts";
import { parseOrThrow } from "./request-validation.ts";
import type { TaskAdapter } from "./task-adapter.ts";
import { createTokenizer, TOKENIZER_KINDS } from "./text-tokenizer.ts";

export const EmbeddingSettingsSchema = z.object({
  tokenizer: z.object({
    kind: z.enum(TOKENIZER_KINDS),
    max_length: z.number().int().positive().max(8192),
    pad_id: z.number().int().nonnegative(),
  }),
  inputs: z
    .object({ ids: z.string().default("input_ids"), mask: z.string().default("attention_mask") })
    .default({ ids: "input_ids", mask: "attention_mask" }),
  output: z.string().default("embeddings"),
  dimensions: z.number().int().positive().max(8192),
  /** `model`: the graph already pools to [batch, dim]; `mean`/`cls`: pool its [batch, seq, dim] output here. */
  pooling: z.enum(["model", "mean", "cls"]).default("model"),
  normalize: z.boolean().default(true),
  max_batch: z.number().int().positive().max(2048).default(256),
  max_chars: z.number().int().positive().default(20_000),
});
export type EmbeddingSettings = z.infer<typeof EmbeddingSettingsSchema>;

const EmbedInputSchema = z.object({ text: z.union([z.string(), z.array(z.string()).min(1)]) }).strict();

export interface EmbedPrepared {
  texts: string[];
}

export interface EmbedOutput {
  embeddings: Float32Array[];
  dimensions: number;
  tokens: number;
}

export function embeddingSettings(manifest: ModelManifest): EmbeddingSettings {
  return parseOrThrow(EmbeddingSettingsSchema, manifest.settings, "settings");
}

/** Checks the texts of a request against the model's limits. */
/** The texts of an OpenAI `/v1/embeddings` input (a string or strings); token ids are refused. */
export function requestTexts(input: string | readonly unknown[]): string[] {
  const texts = typeof input === "string" ? [input] : input;
  if (!texts.every((t): t is string => typeof t === "string")) {
    throw new ApiError(
      400,
      "unsupported_input",
      "input must be text (a string or an array of strings); token ids are not accepted.",
      { param: "input" },
    );
  }
  return [...texts];
}

export function checkTexts(texts: readonly string[], s: EmbeddingSettings, param: string): string[] {
  if (texts.length > s.max_batch) {
    throw new ApiError(
      400,
      "too_many_inputs",
      `${param} has ${texts.length} texts; this model takes at most ${s.max_batch} per request`,
      { param },
    );
  }
  const long = texts.findIndex((t) => t.length > s.max_chars);
  if (long >= 0) {
    throw new ApiError(
      400,
      "input_too_long",
      `${param}[${long}] has ${texts[long]?.length} characters; at most ${s.max_chars} are accepted`,
      { param },
    );
  }
  return [...texts];
}

export const embeddingsAdapter: TaskAdapter<EmbedPrepared> = {
  task: "embeddings",

  prepare(input, parameters, manifest) {
    const s = embeddingSettings(manifest);
    const { text } = parseOrThrow(EmbedInputSchema, input, "input");
    parseOrThrow(z.object({}).strict(), parameters ?? {}, "parameters");
    return { texts: checkTexts(typeof text === "string" ? [text] : text, s, "input.text") };
  },

  async execute(p, ctx) {
    const out = await embedTexts(p.texts, ctx, "reject");
    return {
      output: { dimensions: out.dimensions, embeddings: out.embeddings.map((e) => Array.from(e)) },
      usage: { prompt_tokens: out.tokens, total_tokens: out.tokens },
    };
  },

  warmupInput() {
    return { text: ["warm up the encoder", "a second sentence"] };
  },
};

/** Runs the encoder on texts; shared by `/v1/predict` and `/v1/embeddings`. */
export async function embedTexts(
  texts: readonly string[],
  ctx: Parameters<TaskAdapter<EmbedPrepared>["execute"]>[1],
  /** `reject`: a text over the model's token limit is a 400 (client requests); `truncate`: cut it (the cache's own lookups). */
  overLength: "reject" | "truncate" = "truncate",
): Promise<EmbedOutput> {
  const s = embeddingSettings(ctx.manifest);
  const tokenizer = ctx.memoize("tokenizer", () => createTokenizer(s.tokenizer.kind, ctx.file("vocab")));
  const ids = texts.map((t) => tokenizer.encode(t));
  if (overLength === "reject") {
    checkTokenCounts(ids, s.tokenizer.max_length);
  }
  const batch = toBatchInputs(ids, { maxLength: s.tokenizer.max_length, padId: s.tokenizer.pad_id });
  const dims = [...batch.dims];
  const out = await ctx.run({
    [s.inputs.ids]: new ctx.Tensor("int64", batch.inputIds, dims),
    [s.inputs.mask]: new ctx.Tensor("int64", batch.attentionMask, dims),
  });
  const tensor = out[s.output];
  if (!tensor || !(tensor.data instanceof Float32Array)) {
    throw new ApiError(500, "model_misconfigured", `the encoder has no float output '${s.output}'`);
  }
  const pooled = pool(tensor.data, [...tensor.dims], batch.attentionMask, s);
  return {
    embeddings: s.normalize ? pooled.map(l2normalize) : pooled,
    dimensions: s.dimensions,
    tokens: ids.reduce((sum, list) => sum + Math.min(list.length, s.tokenizer.max_length), 0),
  };
}

/**
 * 400 `context_length_exceeded` before the model runs: silently truncating a client's text would
 * answer for a different text than the one sent.
 */
function checkTokenCounts(ids: ReadonlyArray<ArrayLike<unknown>>, maxTokens: number): void {
  const at = ids.findIndex((list) => list.length > maxTokens);
  if (at >= 0) {
    throw new ApiError(
      400,
      "context_length_exceeded",
      `input[${at}] is ${ids[at]?.length} tokens long; this model accepts at most ${maxTokens} tokens per text`,
      { param: "input" },
    );
  }
}

function pool(data: Float32Array, dims: number[], mask: BigInt64Array, s: EmbeddingSettings): Float32Array[] {
  const [batch = 0] = dims;
  const d = s.dimensions;
  if (s.pooling === "model") {
    if (dims.length !== 2 || dims[1] !== d) {
      throw new ApiError(500, "model_misconfigured", `expected [batch, ${d}] embeddings, got [${dims.join(", ")}]`);
    }
    return Array.from({ length: batch }, (_, b) => data.slice(b * d, (b + 1) * d));
  }
  const seq = dims[1] ?? 0;
  return Array.from({ length: batch }, (_, b) => {
    const v = new Float32Array(d);
    if (s.pooling === "cls") {
      v.set(data.subarray(b * seq * d, b * seq * d + d));
      return v;
    }
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (mask[b * seq + t] === 0n) {
        continue;
      }
      count += 1;
      const row = (b * seq + t) * d;
      for (let k = 0; k < d; k++) {
        v[k] = (v[k] ?? 0) + (data[row + k] ?? 0);
      }
    }
    return v.map((x) => x / Math.max(count, 1));
  });
}

export function l2normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) {
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  return norm > 0 ? v.map((x) => x / norm) : v;
}
