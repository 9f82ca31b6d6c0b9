/**
 * @module
 * Counts every API request in flight until its answer is fully sent (a stream until its
 * last byte), records its status and time in the metrics, and puts the origin's load on the
 * response (`x-edgefleet-queue-depth`, `x-edgefleet-in-flight`) so routers learn it from
 * every answer without polling.
 */
import { createMiddleware } from "hono/factory";
import { IN_FLIGHT_HEADER, QUEUE_DEPTH_HEADER } from "../../shared/protocol/headers.ts";
import type { OriginEnv } from "../deps.ts";

const ROUTES = new Set(["/v1/predict", "/v1/chat/completions", "/v1/models"]);

export const loadSignals = createMiddleware<OriginEnv>(async (c, next) => {
  const { load, metrics } = c.get("deps");
  const done = load.begin();
  const started = performance.now();
  // Known routes only as label values, so unknown paths cannot blow up the metric's cardinality.
  const route = ROUTES.has(c.req.path) ? c.req.path : "other";
  try {
    await next();
  } catch (error) {
    done();
    throw error;
  }
  metrics.latency.observe({ route }, (performance.now() - started) / 1000);
  metrics.requests.inc({ route, status: String(c.res.status) });
  c.res.headers.set(QUEUE_DEPTH_HEADER, String(load.queueDepth));
  c.res.headers.set(IN_FLIGHT_HEADER, String(load.inFlight));
  const body = c.res.body;
  if (!body || !(c.res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    done();
    return;
  }
  // A stream stays in flight until it ends or the client goes away.
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush() {
        done();
      },
    }),
  );
  c.req.raw.signal.addEventListener("abort", done, { once: true });
  c.res = new Response(counted, { status: c.res.status, headers: c.res.headers });
});
