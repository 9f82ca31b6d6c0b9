/**
 * @module
 * `POST /v1/predict`: any served model, dispatched on its task (or raw tensors).
 */
import { Hono } from "hono";
import { predict } from "../../shared/engine/predict.ts";
import { PredictRequestSchema, type PredictResponse } from "../../shared/protocol/predict.ts";
import type { EdgeEnv } from "../env.ts";
import { setInferenceHeaders } from "../inference-headers.ts";
import { readJson } from "../middleware/json-body.ts";
import { requireModel } from "../model-lookup.ts";

export const predictRoutes = new Hono<EdgeEnv>().post("/v1/predict", async (c) => {
  const { catalog, engine, log } = c.get("deps");
  const body = await readJson(c, PredictRequestSchema);
  const manifest = await requireModel(catalog, body.model);
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
});
