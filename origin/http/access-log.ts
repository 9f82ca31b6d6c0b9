/**
 * @module
 * One structured log line per answered request, with the request id the edge passed on
 * (`x-request-id`), so one id finds a request in the edge's and the origin's logs.
 */
import { createMiddleware } from "hono/factory";
import type { OriginEnv } from "../deps.ts";

export const accessLog = createMiddleware<OriginEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  c.get("deps").log.log("info", "origin.request", {
    request_id: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
});
