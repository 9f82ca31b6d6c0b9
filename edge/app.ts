/**
 * @module
 * The edge app: one Hono app, built from its dependencies, that the Worker and the
 * self-hosted Node PoP both serve.
 */
import { Hono } from "hono";
import type { EdgeDeps } from "./deps.ts";
import type { EdgeEnv } from "./env.ts";
import { useErrorHandlers } from "../shared/http/error-handler.ts";
import { authenticateAdmin, authenticateInference } from "./middleware/authenticate.ts";
import { drainBody } from "./middleware/drain-body.ts";
import { limitBody } from "./middleware/limit-body.ts";
import { refuseInvalidUtf8 } from "../shared/http/utf8-body.ts";
import { limitUrl } from "../shared/http/limit-url.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { recordMetrics } from "./metrics/record-metrics.ts";
import { adminRoutes } from "./routes/admin.ts";
import { adminKeyRoutes } from "./routes/admin-keys.ts";
import { adminTenantRoutes } from "./routes/admin-tenants.ts";
import { adminCacheScorerRoutes } from "./routes/admin-cache-scorers.ts";
import { embeddingsRoutes } from "./routes/embeddings.ts";
import { feedbackRoutes } from "./routes/feedback.ts";
import { chatRoutes } from "./routes/chat.ts";
import { healthRoutes } from "./routes/health.ts";
import { modelRoutes } from "./routes/models.ts";
import { predictRoutes } from "./routes/predict.ts";
import { syncRoutes } from "./routes/sync.ts";

export function createEdgeApp(deps: EdgeDeps): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(requestId);
  app.use(recordMetrics);
  app.use(drainBody(deps.limits.maxBodyBytes));
  app.use(limitUrl());
  app.use("/v1/*", limitBody(deps.limits.maxBodyBytes));
  app.use("/admin/*", limitBody(deps.limits.maxBlobBytes));
  // Auth after the body cap (a stranger's huge body is refused unread), before any route reads it.
  app.use("/v1/*", authenticateInference);
  // Before the limiter reads the body as text (Hono caches that first read for the route).
  app.use("/v1/*", refuseInvalidUtf8);
  app.use("/v1/*", rateLimit);
  // Each admin route checks its own scope and tenant (edge/auth/authority.ts) after these.
  app.use("/admin/*", authenticateAdmin);
  app.use("/admin/*", rateLimit);
  app.route("/", healthRoutes);
  app.route("/", modelRoutes);
  app.route("/", predictRoutes);
  app.route("/", embeddingsRoutes);
  app.route("/", chatRoutes);
  app.route("/", feedbackRoutes);
  app.route("/", adminRoutes);
  app.route("/", syncRoutes);
  app.route("/", adminKeyRoutes);
  app.route("/", adminTenantRoutes);
  app.route("/", adminCacheScorerRoutes);
  useErrorHandlers(app, { logger: (c) => c.get("deps").log, requestId: (c) => c.get("requestId") });
  return app;
}
