/**
 * @module
 * Guards the operator routes with a bearer token (`ADMIN_TOKEN`), compared in constant time
 * over the SHA-256 of both sides so neither length nor prefix leaks through timing.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors.ts";
import type { EdgeEnv } from "../env.ts";

export const adminAuth = createMiddleware<EdgeEnv>(async (c, next) => {
  const expected = c.get("deps").adminToken;
  if (!expected) {
    throw new ApiError(403, "admin_disabled", "The admin API is off on this node (no ADMIN_TOKEN set).");
  }
  const header = c.req.header("authorization") ?? "";
  const given = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (!given || !(await equalSecrets(given, expected))) {
    throw new ApiError(401, "invalid_admin_token", "A valid admin bearer token is required.");
  }
  await next();
});

async function equalSecrets(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}
