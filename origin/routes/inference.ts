/**
 * @module
 * `POST /v1/predict` and `POST /v1/chat/completions` on an origin: the model's backend
 * answers, within the request's deadline; the answer says which origin served it.
 */
import { Hono } from "hono";
import { ApiError } from "../../shared/errors.ts";
import { ChatRequestSchema } from "../../shared/protocol/chat.ts";
import { MODEL_VERSION_HEADER, SERVED_BY_HEADER, TENANT_HEADER } from "../../shared/protocol/headers.ts";
import { PredictRequestSchema } from "../../shared/protocol/predict.ts";
import { type Backend, visibleTo } from "../backends/backend.ts";
import type { OriginDeps, OriginEnv } from "../deps.ts";
import { withinDeadline } from "../http/request-context.ts";
import { readJson } from "../../shared/http/read-json.ts";

/**
 * The backend answering the model for this caller. A model private to other tenants is not
 * found, exactly like a missing one (`visibleTo`).
 */
async function backendFor(
  deps: OriginDeps,
  model: string,
  can: "predict" | "chat",
  tenant: string | undefined,
): Promise<Backend> {
  for (const backend of deps.backends) {
    const entry = backend[can] ? (await backend.models()).find((m) => m.id === model) : undefined;
    if (entry && visibleTo(entry, tenant)) {
      return backend;
    }
  }
  throw new ApiError(404, "model_not_found", `The model '${model.slice(0, 200)}' does not exist on this origin.`, {
    param: "model",
  });
}

export const inferenceRoutes = new Hono<OriginEnv>()
  .post("/v1/predict", async (c) => {
    const deps = c.get("deps");
    const body = await readJson(c, PredictRequestSchema);
    const backend = await backendFor(deps, body.model, "predict", c.req.header(TENANT_HEADER));
    if (!backend.predict) {
      throw new Error("backend lost its predict method");
    }
    const ctx = { signal: c.get("signal"), requestId: c.get("requestId") };
    const result = await withinDeadline(backend.predict(body, ctx), ctx.signal);
    c.header(SERVED_BY_HEADER, deps.servedBy);
    c.header(MODEL_VERSION_HEADER, result.body.version);
    c.header("x-edgefleet-cache", "bypass");
    c.header("x-edgefleet-provider", result.body.provider);
    c.header("server-timing", `infer;dur=${result.inferMs.toFixed(3)}`);
    return c.json(result.body);
  })
  .post("/v1/chat/completions", async (c) => {
    const deps = c.get("deps");
    const body = await readJson(c, ChatRequestSchema);
    const backend = await backendFor(deps, body.model, "chat", c.req.header(TENANT_HEADER));
    if (!backend.chat) {
      throw new Error("backend lost its chat method");
    }
    const ctx = { signal: c.get("signal"), requestId: c.get("requestId") };
    const res = await withinDeadline(backend.chat(body, ctx), ctx.signal);
    res.headers.set(SERVED_BY_HEADER, deps.servedBy);
    res.headers.set(MODEL_VERSION_HEADER, "upstream");
    res.headers.set("x-edgefleet-cache", "bypass");
    return res;
  });
