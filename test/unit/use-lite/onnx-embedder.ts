/**
 * @module
 * Runs the imported USE-lite ONNX model on texts: tokenizer from shared/, padded int64 batches,
 * any onnxruntime flavour (node or web — they share onnxruntime-common's API).
 */
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { toBatchInputs } from "../../../shared/tokenizers/batch-inputs.ts";
import type { SentencePieceUnigramTokenizer } from "../../../shared/tokenizers/sentencepiece-unigram.ts";

export type Int64TensorFactory = (data: BigInt64Array, dims: readonly number[]) => Tensor;

export interface OnnxEmbedderOptions {
  readonly session: InferenceSession;
  readonly tokenizer: SentencePieceUnigramTokenizer;
  readonly int64: Int64TensorFactory;
  readonly maxLength: number;
  readonly padId: number;
}

export async function embedBatch(options: OnnxEmbedderOptions, texts: readonly string[]): Promise<Float32Array[]> {
  const inputs = toBatchInputs(
    texts.map((t) => options.tokenizer.encode(t)),
    { maxLength: options.maxLength, padId: options.padId },
  );
  const outputs = await options.session.run({
    input_ids: options.int64(inputs.inputIds, inputs.dims),
    attention_mask: options.int64(inputs.attentionMask, inputs.dims),
  });
  const embeddings = outputs["embeddings"];
  if (embeddings === undefined || !(embeddings.data instanceof Float32Array)) {
    throw new Error("model gave no float32 'embeddings' output");
  }
  const width = embeddings.dims[1] ?? 0;
  const data = embeddings.data;
  return texts.map((_, i) => data.slice(i * width, (i + 1) * width));
}

/** Embeds unique texts in batches of similar length; returns text → embedding. */
export async function embedAll(
  options: OnnxEmbedderOptions,
  texts: readonly string[],
  batchSize = 32,
): Promise<Map<string, Float32Array>> {
  const lengths = new Map([...new Set(texts)].map((t) => [t, options.tokenizer.encode(t).length]));
  const unique = [...lengths.keys()].toSorted((a, b) => (lengths.get(a) ?? 0) - (lengths.get(b) ?? 0));
  const result = new Map<string, Float32Array>();
  for (let i = 0; i < unique.length; i += batchSize) {
    const batch = unique.slice(i, i + batchSize);
    const vectors = await embedBatch(options, batch);
    batch.forEach((text, j) => {
      const vector = vectors[j];
      if (vector !== undefined) {
        result.set(text, vector);
      }
    });
  }
  return result;
}
