/**
 * @module
 * The control plane: one Hono app, served by Node (`node-server.ts`) or by a Worker with the
 * coordinator in a Durable Object. It mounts the registry read API under `/registry` and adds
 *
 * - `GET  /v1/sync/feed?pop=&since=&wait=` — rollouts changed after `since` (long poll up to `wait` ms);
 * - `GET  /v1/sync/stream?since=` — the same as server-sent events (`id:` is the sequence number);
 * - `POST /v1/sync/report` — a PoP's readiness and health per model version;
 * - `POST /v1/rollouts`, `/v1/rollouts/promote`, `/v1/rollouts/rollback`, `GET /v1/status` — operators;
 * - `POST /v1/experiments`, `GET /v1/experiments[/:id]`, `POST /v1/experiments/:id/stop` — A/B experiments.
 */
import { Hono } from "hono";
import { limitUrl } from "../shared/http/limit-url.ts";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { z } from "zod";
import { useErrorHandlers } from "../shared/http/error-handler.ts";
import { ModelCommandSchema, PopIdSchema, PopReportSchema, RolloutRequestSchema } from "../shared/sync/protocol.ts";
import { parseOrThrow } from "../shared/tasks/request-validation.ts";
import { readJson } from "../shared/http/read-json.ts";
import { registryApp, type RegistryReadDeps } from "./registry/app.ts";
import { type Authorizer, requireRole } from "./auth.ts";
import type { Coordinator } from "./coordinator.ts";
import type { DriftService } from "./monitoring/drift-service.ts";
import { monitoringPage } from "./monitoring/monitoring-page.ts";
import type { CacheTraining } from "./cache-training/cache-training.ts";
import { cacheTrainingRoutes } from "./cache-training/routes.ts";
import { experimentRoutes } from "./experiment-routes.ts";

export interface ControlDeps {
  coordinator: Coordinator;
  registry: RegistryReadDeps;
  authorize: Authorizer;
  /** Longest long poll a client may ask for. */
  maxWaitMs?: number;
  /** Drift monitoring: alerts join the SSE change feed as `drift_alert` events. */
  drift?: DriftService;
  /** The built browser device for `GET /device/` (its files by relative path); absent: no page. */
  deviceApp?: (path: string) => Promise<Response | null>;
  /** The learning cache's per-tenant retraining; absent: its routes are not served. */
  cacheTraining?: CacheTraining;
}

const FeedQuerySchema = z.object({
  pop: PopIdSchema,
  since: z.coerce.number().int().nonnegative().default(0),
  wait: z.coerce.number().int().nonnegative().default(0),
});

const StreamQuerySchema = z.object({ since: z.coerce.number().int().nonnegative().optional() });

export function controlApp(deps: ControlDeps): Hono {
  const { coordinator } = deps;
  const maxWait = deps.maxWaitMs ?? 30_000;
  const edge = requireRole(deps.authorize, "edge");
  const operator = requireRole(deps.authorize, "operator");
  const app = new Hono();
  app.use(limitUrl());
  app.route("/registry", registryApp(deps.registry));
  app.get("/healthz", (c) => c.json({ ok: true }));
  const deviceApp = deps.deviceApp;
  if (deviceApp) {
    // The browser device's page, bundle, service worker and ort-web files; public, like the registry.
    app.get("/device", (c) => c.redirect("/device/"));
    app.get(
      "/device/*",
      async (c) => (await deviceApp(c.req.path.slice("/device/".length) || "index.html")) ?? c.notFound(),
    );
  }
  if (deps.cacheTraining) {
    app.route("/", cacheTrainingRoutes(deps.cacheTraining, { edge, operator }));
  }

  app.get("/v1/sync/feed", edge, async (c) => {
    const q = parseOrThrow(FeedQuerySchema, c.req.query(), "query");
    return c.json(await coordinator.feed(q.since, Math.min(q.wait, maxWait)));
  });

  app.get("/v1/sync/stream", edge, (c) => {
    const q = parseOrThrow(StreamQuerySchema, c.req.query(), "query");
    const lastId = Number(c.req.header("last-event-id"));
    const since = q.since ?? (Number.isInteger(lastId) && lastId >= 0 ? lastId : 0);
    return streamSSE(c, (stream) => streamChanges(stream, coordinator, deps.drift, since));
  });

  app.post("/v1/sync/report", edge, async (c) => {
    await coordinator.report(await readJson(c, PopReportSchema));
    return c.body(null, 204);
  });

  app.post("/v1/rollouts", operator, async (c) =>
    c.json(await coordinator.rollout(await readJson(c, RolloutRequestSchema))),
  );
  app.post("/v1/rollouts/promote", operator, async (c) =>
    c.json(await coordinator.promote((await readJson(c, ModelCommandSchema)).model)),
  );
  app.post("/v1/rollouts/rollback", operator, async (c) =>
    c.json(await coordinator.rollback((await readJson(c, ModelCommandSchema)).model)),
  );
  app.get("/v1/status", operator, async (c) => c.json(await coordinator.status()));
  app.route("/", experimentRoutes(coordinator, operator));
  app.get("/monitoring", operator, (c) =>
    c.html(
      monitoringPage({
        history: deps.drift?.history() ?? [],
        alerts: deps.drift?.alerts ?? [],
        accuracy: deps.drift?.accuracy() ?? [],
      }),
    ),
  );

  useErrorHandlers(app);
  return app;
}

/**
 * One `/v1/sync/stream` connection: the rollouts after `since` first (catch-up), then each change
 * as it happens, drift alerts as `drift_alert` events, and a ping after 15 s of silence.
 */
async function streamChanges(
  stream: SSEStreamingApi,
  coordinator: Coordinator,
  drift: DriftService | undefined,
  since: number,
): Promise<void> {
  const conn = { closed: false };
  const pending: string[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = coordinator.subscribe((rollout) => {
    pending.push(JSON.stringify(rollout));
    wake?.();
  });
  const alerts: string[] = [];
  const unsubscribeDrift = drift?.subscribe((alert) => {
    alerts.push(JSON.stringify(alert));
    wake?.();
  });
  stream.onAbort(() => {
    conn.closed = true;
    wake?.();
  });
  // Catch-up first (from the client's last seen sequence number), then live changes.
  const feed = await coordinator.feed(since, 0);
  for (const rollout of feed.rollouts) {
    await stream.writeSSE({ id: String(rollout.seq), event: "rollout", data: JSON.stringify(rollout) });
  }
  while (!conn.closed) {
    for (const alert of alerts.splice(0)) {
      await stream.writeSSE({ event: "drift_alert", data: alert });
    }
    const data = pending.shift();
    if (data === undefined) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 15_000);
      });
      if (pending.length === 0 && alerts.length === 0 && !conn.closed) {
        await stream.writeSSE({ event: "ping", data: "" });
      }
      continue;
    }
    const seq = (JSON.parse(data) as { seq: number }).seq;
    if (seq > since) {
      await stream.writeSSE({ id: String(seq), event: "rollout", data });
    }
  }
  unsubscribe();
  unsubscribeDrift?.();
}
