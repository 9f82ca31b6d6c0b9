/**
 * @module
 * `GET /healthz` (the process answers), `GET /readyz` (every model is loaded and warmed,
 * every upstream answered, and the origin is not draining), `GET /metrics` (Prometheus
 * text), and `GET /v1/models` (what this origin serves, across its backends, less
 * models private to tenants other than the `x-edgefleet-tenant` the edge set).
 */
import { Hono } from "hono";
import type { OriginEnv } from "../deps.ts";
import { isReady } from "../deps.ts";
import { modelObject } from "../../shared/protocol/model-object.ts";
import { TENANT_HEADER } from "../../shared/protocol/headers.ts";
import { visibleTo } from "../backends/backend.ts";

export const healthRoutes = new Hono<OriginEnv>()
  .get("/healthz", (c) => c.json({ status: "ok", served_by: c.get("deps").servedBy }))
  .get("/readyz", (c) => {
    const deps = c.get("deps");
    const ready = isReady(deps);
    return c.json(
      {
        ready,
        served_by: deps.servedBy,
        draining: deps.lifecycle.draining,
        backends: deps.backends.map((b) => ({ name: b.name, ready: b.ready() })),
      },
      ready ? 200 : 503,
    );
  })
  .get("/metrics", async (c) => {
    const { registry } = c.get("deps").metrics;
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  })
  .get("/v1/models", async (c) => {
    const deps = c.get("deps");
    const tenant = c.req.header(TENANT_HEADER);
    const all = (await Promise.all(deps.backends.map((b) => b.models()))).flat();
    const data = all
      .filter((m) => visibleTo(m, tenant))
      .map((m) => ({
        ...modelObject(m),
        backend: m.backend,
      }));
    return c.json({ object: "list", data });
  });
