/**
 * @module
 * The origin app: the same HTTP API as the edge (README.md, "API"), answered by the
 * origin's backends, with load signals on every answer, deadlines honoured and a drain mode
 * for graceful shutdown. The Node server and the Lambda handler both serve this app.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { limitUrl } from "../shared/http/limit-url.ts";
import { ApiError, errorResponse } from "../shared/errors.ts";
import { drainUnread } from "../shared/http/drain-body.ts";
import { useErrorHandlers } from "../shared/http/error-handler.ts";
import { IN_FLIGHT_HEADER, QUEUE_DEPTH_HEADER, SERVED_BY_HEADER } from "../shared/protocol/headers.ts";
import type { OriginDeps, OriginEnv } from "./deps.ts";
import { accessLog } from "./http/access-log.ts";
import { loadSignals } from "./http/load-signals.ts";
import { refuseWhileDraining, requestContext } from "./http/request-context.ts";
import { healthRoutes } from "./routes/health.ts";
import { inferenceRoutes } from "./routes/inference.ts";

export function createOriginApp(deps: OriginDeps): Hono<OriginEnv> {
  const app = new Hono<OriginEnv>();
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(requestContext);
  app.use(limitUrl());
  app.use("/v1/*", accessLog);
  // An answer given without reading the body (404, 405, drain mode) must not cost the client its connection.
  app.use(async (c, next) => {
    await next();
    await drainUnread(c.req.raw, deps.maxBodyBytes);
  });
  app.use("/v1/*", loadSignals);
  app.use("/v1/*", refuseWhileDraining);
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: () =>
        errorResponse(
          new ApiError(413, "payload_too_large", `The request body is larger than ${deps.maxBodyBytes} bytes.`),
        ),
    }),
  );
  app.route("/", healthRoutes);
  app.route("/", inferenceRoutes);
  useErrorHandlers(app, {
    logger: (c) => c.get("deps").log,
    requestId: (c) => c.get("requestId"),
    // The load headers ride on errors too: a 503 while saturated is how the router learns the queue depth.
    headers: (c) => {
      const { servedBy, load } = c.get("deps");
      return {
        [SERVED_BY_HEADER]: servedBy,
        [QUEUE_DEPTH_HEADER]: String(load.queueDepth),
        [IN_FLIGHT_HEADER]: String(load.inFlight),
      };
    },
    // Saturation (503) and a deadline (504) are answers the router acts on, not failures to log.
    expected: [503, 504],
  });
  return app;
}
