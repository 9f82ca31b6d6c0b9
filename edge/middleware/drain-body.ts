/**
 * @module
 * Drains an unread request body before the answer goes out (shared/http/drain-body.ts says why).
 */
import { createMiddleware } from "hono/factory";
import { drainUnread } from "../../shared/http/drain-body.ts";
import type { EdgeEnv } from "../env.ts";

export function drainBody(maxBytes: number) {
  return createMiddleware<EdgeEnv>(async (c, next) => {
    await next();
    await drainUnread(c.req.raw, maxBytes);
  });
}
