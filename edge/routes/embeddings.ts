/**
 * @module
 * `POST /v1/embeddings` (OpenAI-compatible) on any served model of task `embeddings`; under an
 * A/B experiment the arm of the request's `user` (or `x-edgefleet-user`) answers.
 */
import { Hono } from "hono";
import { bytesToBase64 } from "../../shared/base64.ts";
import { withModel } from "../../shared/engine/predict.ts";
import { ApiError } from "../../shared/errors.ts";
import { EmbeddingsRequestSchema, type EmbeddingsResponse } from "../../shared/protocol/embeddings.ts";
import { checkTexts, embeddingSettings, embedTexts, requestTexts } from "../../shared/tasks/embeddings.ts";
import { localCacheVersion } from "../cache/local-version.ts";
import { withCache } from "../cache/with-cache.ts";
import type { EdgeEnv } from "../env.ts";
import { setInferenceHeaders } from "../inference-headers.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { requireModel } from "../model-lookup.ts";
import { servedArm, tagArm } from "../experiment-arm.ts";

export const embeddingsRoutes = new Hono<EdgeEnv>().post("/v1/embeddings", async (c) => {
  const { catalog, engine } = c.get("deps");
  const body = await readJson(c, EmbeddingsRequestSchema);
  const arm = await servedArm(c, await requireModel(catalog, body.model, c.get("principal")), body.user);
  const manifest = arm.manifest;
  if (manifest.task !== "embeddings") {
    throw new ApiError(
      400,
      "wrong_task",
      `Model ${manifest.id} is a ${manifest.task} model; /v1/embeddings needs an embeddings model.`,
      { param: "model" },
    );
  }
  const texts = requestTexts(body.input);
  const settings = embeddingSettings(manifest);
  if (body.dimensions !== undefined && body.dimensions !== settings.dimensions) {
    throw new ApiError(
      400,
      "unsupported_dimensions",
      `Model ${manifest.id} produces ${settings.dimensions} dimensions and cannot shorten them.`,
      { param: "dimensions" },
    );
  }
  // Embeddings are cached by exact input only: a paraphrase has its own vector.
  const { user: _user, ...request } = body;
  return tagArm(
    arm,
    await withCache(
      c,
      { route: "/v1/embeddings", model: manifest.id, modelVersion: localCacheVersion(manifest), fields: {}, request },
      async () => {
        const started = performance.now();
        const { result, loaded } = await withModel(engine, manifest, (ctx) =>
          embedTexts(checkTexts(texts, settings, "input"), ctx, "reject"),
        );
        c.get("deps").sketches?.record(manifest, { text: texts }, { embeddings: result.embeddings });
        setInferenceHeaders(c, manifest, "bypass", loaded.provider);
        c.header("server-timing", `infer;dur=${(performance.now() - started).toFixed(3)}`);
        const response: EmbeddingsResponse = {
          object: "list",
          data: result.embeddings.map((e, index) => ({
            object: "embedding",
            index,
            embedding:
              body.encoding_format === "base64"
                ? bytesToBase64(new Uint8Array(e.buffer, e.byteOffset, e.byteLength))
                : Array.from(e),
          })),
          model: manifest.id,
          usage: { prompt_tokens: result.tokens, total_tokens: result.tokens },
        };
        return c.json(response);
      },
    ),
  );
});
