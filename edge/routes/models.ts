/**
 * @module
 * `GET /v1/models` (OpenAI list shape, plus version, task, and — for loaded models — which
 * execution provider and runtime run it) and `POST /v1/models/:id/warm`.
 */
import { Hono } from "hono";
import { warm } from "../../shared/engine/predict.ts";
import type { EdgeEnv } from "../env.ts";
import { mayUse } from "../auth/principal.ts";
import { requireModel } from "../model-lookup.ts";
import { servesRequests } from "../../shared/manifest/model-manifest.ts";
import { modelObject } from "../../shared/protocol/model-object.ts";

export const modelRoutes = new Hono<EdgeEnv>()
  .get("/v1/models", async (c) => {
    const { catalog, engine } = c.get("deps");
    const loaded = new Map(engine.loaded().map((m) => [`${m.id}@${m.version}`, m]));
    const principal = c.get("principal");
    const visible = (await catalog.list()).filter((m) => servesRequests(m) && mayUse(principal, m));
    const data = visible.map((m) => {
      const live = loaded.get(`${m.id}@${m.version}`);
      return {
        ...modelObject(m),
        execution_providers: m.runtime.execution_providers,
        loaded: live !== undefined,
        ...(live
          ? {
              provider: live.provider,
              runtime: live.runtime,
              memory_mb: live.memory_mb,
              runs: live.runs,
              ...(live.fallback_reason ? { fallback_reason: live.fallback_reason } : {}),
            }
          : {}),
      };
    });
    return c.json({ object: "list", data });
  })
  .post("/v1/models/:id/warm", async (c) => {
    const { catalog, engine } = c.get("deps");
    const manifest = await requireModel(catalog, c.req.param("id"), c.get("principal"));
    const loaded = await warm(engine, manifest);
    return c.json(loaded.info());
  });
