/**
 * @module
 * The embedder of the semantic layer: a served model of task `embeddings`, run by the edge's
 * own engine. Its model digest goes into the partition key, so vectors of two embedder
 * versions are never compared.
 */
import type { Context } from "hono";
import { withModel } from "../../shared/engine/predict.ts";
import { modelFile } from "../../shared/manifest/model-manifest.ts";
import { embedTexts } from "../../shared/tasks/embeddings.ts";
import type { EdgeEnv } from "../env.ts";

export interface CacheEmbedder {
  digest: string;
  embed(text: string): Promise<Float32Array>;
}

export async function cacheEmbedder(c: Context<EdgeEnv>, embedderId: string): Promise<CacheEmbedder | undefined> {
  const { catalog, engine } = c.get("deps");
  const manifest = await catalog.get(embedderId);
  if (!manifest || manifest.task !== "embeddings") {
    return undefined;
  }
  return {
    digest: modelFile(manifest).sha256,
    async embed(text) {
      const { result } = await withModel(engine, manifest, (ctx) => embedTexts([text], ctx));
      const [vector] = result.embeddings;
      if (!vector) {
        throw new Error("the embedder returned no vector");
      }
      return vector;
    },
  };
}
