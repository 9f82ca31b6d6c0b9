/**
 * @module
 * `model-info.json`: what the model publish step and the inference engine need to know about a
 * built sentence embedder — its files, tensors, pooling and tokenizer. Tensor specs use the same
 * shape as the model manifest's `io` (name, dtype, shape with named dims).
 */
import { z } from "zod";

const TensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(["float32", "int64"]),
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
});

const FileSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/),
  role: z.enum(["model", "vocab"]),
  /** For model files: how the weights are stored. */
  weights: z.enum(["float32", "int8-weight-only"]).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
});

export const ModelInfoSchema = z.object({
  schema: z.literal("edgefleet.model-info/v1"),
  id: z.string().min(1),
  task: z.literal("embeddings"),
  license: z.string().min(1),
  source: z.object({ package: z.string(), version: z.string() }),
  files: z.array(FileSchema).min(1),
  opset: z.number().int().positive(),
  io: z.object({ inputs: z.array(TensorSpecSchema).min(1), outputs: z.array(TensorSpecSchema).min(1) }),
  embedding: z.object({
    dimensions: z.number().int().positive(),
    pooling: z.enum(["mean", "cls"]),
    /** The model's output is already L2-normalised: cosine similarity is a dot product. */
    normalized: z.boolean(),
  }),
  tokenizer: z.object({
    kind: z.literal("sentencepiece-unigram"),
    file: z.string().min(1),
    /** Tokens past this are ignored by the model; callers may cut there. */
    max_length: z.number().int().positive(),
    pad_id: z.number().int().nonnegative(),
    /** USE-lite takes bare pieces: no start / end tokens. */
    add_special_tokens: z.boolean(),
  }),
});

export type ModelInfo = z.infer<typeof ModelInfoSchema>;
