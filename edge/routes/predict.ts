/**
 * @module
 * `POST /v1/predict`: any served model, dispatched on its task (or raw tensors), behind the
 * response cache (exact layer; the semantic layer for text-classification questions).
 */
import { type Context, Hono } from "hono";
import { predict } from "../../shared/engine/predict.ts";
import { type ModelManifest, modelFile } from "../../shared/manifest/model-manifest.ts";
import { type PredictRequest, PredictRequestSchema, type PredictResponse } from "../../shared/protocol/predict.ts";
import { withCache } from "../cache/with-cache.ts";
import type { EdgeEnv } from "../env.ts";
import { setInferenceHeaders } from "../inference-headers.ts";
import { readJson } from "../middleware/json-body.ts";
import { requireModel } from "../model-lookup.ts";

export const predictRoutes = new Hono<EdgeEnv>().post("/v1/predict", async (c) => {
  const body = await readJson(c, PredictRequestSchema);
  const manifest = await requireModel(c.get("deps").catalog, body.model);
  const query = semanticQuery(manifest, body.input);
  return withCache(
    c,
    {
      route: "/v1/predict",
      model: manifest.id,
      modelVersion: modelFile(manifest).sha256,
      fields: { parameters: body.parameters ?? {} },
      request: body,
      ...(query === undefined ? {} : { semanticQuery: query }),
    },
    () => answerLocally(c, manifest, body),
  );
});

async function answerLocally(c: Context<EdgeEnv>, manifest: ModelManifest, body: PredictRequest): Promise<Response> {
  const { engine, log } = c.get("deps");
  const started = performance.now();
  const result = await predict(engine, manifest, body.input, body.parameters);
  log.log("info", "predict", {
    request_id: c.get("requestId"),
    model: manifest.id,
    version: manifest.version,
    provider: result.loaded.provider,
    ms: Math.round(performance.now() - started),
  });
  setInferenceHeaders(c, manifest, "bypass", result.loaded.provider);
  // Time spent in the model call (input checks, load if cold, runs, post-processing), for clients and benches.
  c.header("server-timing", `infer;dur=${(performance.now() - started).toFixed(3)}`);
  const response: PredictResponse = {
    model: manifest.id,
    version: manifest.version,
    output: result.output,
    usage: result.usage,
    provider: result.loaded.provider,
  };
  return c.json(response);
}

/** Only a text question can be matched by meaning; audio, images and tensors match exactly or not at all. */
function semanticQuery(manifest: ModelManifest, input: unknown): string | undefined {
  if (manifest.task !== "text-classification" || typeof input !== "object" || input === null) {
    return undefined;
  }
  const text = (input as { text?: unknown }).text;
  return typeof text === "string" ? text : undefined;
}
