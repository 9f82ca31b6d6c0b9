/**
 * @module
 * Counts every request the PoP answers (route, status, time to the response headers, the
 * cache outcome it says in `x-edgefleet-cache`) into the PoP's metrics recorder, which the
 * sync agent sends to the control plane with its report. No recorder, no counting.
 */
import { createMiddleware } from "hono/factory";
import type { EdgeEnv } from "../env.ts";

export const recordMetrics = createMiddleware<EdgeEnv>(async (c, next) => {
  const { metrics } = c.get("deps");
  if (!metrics) {
    await next();
    return;
  }
  const started = performance.now();
  try {
    await next();
  } finally {
    // An error thrown past the app's handler is answered 500 by the runtime.
    const status = c.finalized ? c.res.status : 500;
    metrics.record(c.req.path, status, performance.now() - started, c.res.headers.get("x-edgefleet-cache"));
  }
});
