/**
 * @module
 * Counts every request the PoP answers (route, status, time to the response headers, the
 * cache outcome it says in `x-edgefleet-cache`) into the PoP's metrics recorder, which the
 * sync agent sends to the control plane with its report, and writes one structured log line
 * per API request with its `x-request-id`.
 */
import { createMiddleware } from "hono/factory";
import type { EdgeEnv } from "../env.ts";

export const recordMetrics = createMiddleware<EdgeEnv>(async (c, next) => {
  const { metrics, log } = c.get("deps");
  const started = performance.now();
  try {
    await next();
  } finally {
    // An error thrown past the app's handler is answered 500 by the runtime.
    const status = c.finalized ? c.res.status : 500;
    const ms = performance.now() - started;
    metrics?.record(c.req.path, status, ms, c.res.headers.get("x-edgefleet-cache"));
    if (c.req.path.startsWith("/v1/")) {
      // The same request id is in the origin's line when the request crossed to one.
      log.log("info", "edge.request", {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round(ms * 10) / 10,
        cache: c.res.headers.get("x-edgefleet-cache"),
        served_by: c.res.headers.get("x-edgefleet-served-by"),
      });
    }
  }
});
