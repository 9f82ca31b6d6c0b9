/**
 * @module
 * `POST /v1/predict`: any served model, dispatched on its task (or raw tensors), behind the
 * response cache's exact layer (no predict task takes a text question, so none is matched by
 * meaning: the semantic layer serves chat questions). A model
 * this edge does not serve — or one the origin table marks `origin_first` — goes to origins;
 * when no origin can answer and the edge has the model, the edge answers itself and says so
 * (`x-edgefleet-served-by: edge-fallback`) instead of failing. Under an A/B experiment the
 * request's arm answers (`experiment-arm.ts`; the user is the `x-edgefleet-user` header).
 */
import { type Context, Hono } from "hono";
import { predict } from "../../shared/engine/predict.ts";
import { ApiError } from "../../shared/errors.ts";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import { type PredictRequest, PredictRequestSchema, type PredictResponse } from "../../shared/protocol/predict.ts";
import { localCacheVersion } from "../cache/local-version.ts";
import { markBypass, withCache } from "../cache/with-cache.ts";
import type { EdgeEnv } from "../env.ts";
import { setInferenceHeaders } from "../inference-headers.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { mayRouteToOrigins, requireModel, visibleModel } from "../model-lookup.ts";
import { servedArm, tagArm } from "../experiment-arm.ts";
import { forwardToOrigins, originResponse } from "../router/forward.ts";
import { rememberAnswer } from "../monitoring/remember-answer.ts";
import type { OriginRouter } from "../router/router.ts";

export const predictRoutes = new Hono<EdgeEnv>().post("/v1/predict", async (c) => {
  const { catalog, router } = c.get("deps");
  const body = await readJson(c, PredictRequestSchema);
  const principal = c.get("principal");
  const local = await visibleModel(catalog, body.model, principal);
  // A model private to another tenant is not routed: it falls to requireModel's 404, as an unknown one does.
  if (
    router &&
    (!local || router.originFirst(body.model)) &&
    (await mayRouteToOrigins(router, catalog, body.model, principal))
  ) {
    const version = router.versionOf(body.model);
    const produce = () => viaOrigins(c, router, body, local);
    if (version === undefined) {
      return markBypass(await produce());
    }
    return withCache(
      c,
      {
        route: "/v1/predict",
        model: body.model,
        modelVersion: `origin:${version}`,
        fields: { parameters: body.parameters ?? {} },
        request: body,
      },
      produce,
    );
  }
  const arm = await servedArm(c, local ?? (await requireModel(catalog, body.model, principal)));
  const manifest = arm.manifest;
  return tagArm(
    arm,
    await withCache(
      c,
      {
        route: "/v1/predict",
        model: manifest.id,
        modelVersion: localCacheVersion(manifest),
        fields: { parameters: body.parameters ?? {} },
        request: body,
      },
      () => answerLocally(c, manifest, body),
    ),
  );
});

async function viaOrigins(
  c: Context<EdgeEnv>,
  router: OriginRouter,
  body: PredictRequest,
  local: ModelManifest | undefined,
): Promise<Response> {
  try {
    const routed = await forwardToOrigins(c, router, {
      path: "/v1/predict",
      model: body.model,
      body: JSON.stringify(body),
      stream: false,
    });
    return originResponse(routed);
  } catch (error) {
    const unavailable = ApiError.is(error) && (error.status === 503 || error.status === 504);
    if (!local || !unavailable) {
      throw error;
    }
    c.get("deps").log.log("warn", "predict.edge_fallback", {
      request_id: c.get("requestId"),
      model: local.id,
      reason: error.code,
    });
    return answerLocally(c, local, body, "edge-fallback");
  }
}

async function answerLocally(
  c: Context<EdgeEnv>,
  manifest: ModelManifest,
  body: PredictRequest,
  servedBy?: string,
): Promise<Response> {
  const { engine, log, health, faults } = c.get("deps");
  const started = performance.now();
  let result: Awaited<ReturnType<typeof predict>>;
  try {
    faults?.check(manifest);
    result = await predict(engine, manifest, body.input, body.parameters);
    health?.record(manifest.id, manifest.version, true, performance.now() - started);
    c.get("deps").sketches?.record(manifest, body.input, result.output);
    rememberAnswer(c, manifest);
  } catch (error) {
    // A client's bad input is not the version's fault; everything else counts against it.
    if (!(ApiError.is(error) && error.status < 500)) {
      health?.record(manifest.id, manifest.version, false, performance.now() - started);
    }
    throw error;
  }
  log.log("info", "predict", {
    request_id: c.get("requestId"),
    model: manifest.id,
    version: manifest.version,
    provider: result.loaded.provider,
    ms: Math.round(performance.now() - started),
  });
  setInferenceHeaders(c, manifest, "bypass", result.loaded.provider, servedBy);
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
