/**
 * @module
 * Every request carries an `x-request-id`: the caller's (when it is sane) or a new one.
 * It is echoed on the response and passed on to origins, so one id follows a request
 * through the whole network and its logs.
 */
import { createMiddleware } from "hono/factory";
import type { EdgeEnv } from "../env.ts";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId = createMiddleware<EdgeEnv>(async (c, next) => {
  const given = c.req.header("x-request-id");
  const id = given && SANE_ID.test(given) ? given : crypto.randomUUID();
  c.set("requestId", id);
  await next();
  c.res.headers.set("x-request-id", id);
});
