/**
 * @module
 * Who may call the control plane. One middleware, one swappable check: today a bearer token
 * per role (operators change rollouts; edges read the feed and report), compared in constant
 * time over SHA-256 of both sides; scoped API keys can replace `Authorizer` without touching
 * the routes.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../shared/errors.ts";

export type ControlRole = "operator" | "edge";

/** True when the bearer token (undefined: none sent) may act in this role. */
export type Authorizer = (token: string | undefined, role: ControlRole) => Promise<boolean>;

export function requireRole(authorize: Authorizer, role: ControlRole) {
  return createMiddleware(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : undefined;
    if (!(await authorize(token, role))) {
      throw new ApiError(401, "invalid_token", `A valid ${role} bearer token is required.`);
    }
    await next();
  });
}

/** Static tokens: the operator token may do everything, the edge token only edge calls. */
export function tokenAuthorizer(tokens: { operator: string; edge?: string }): Authorizer {
  return async (token, role) => {
    if (token === undefined || token === "") {
      return false;
    }
    if (await equalSecrets(token, tokens.operator)) {
      return true;
    }
    return role === "edge" && tokens.edge !== undefined && (await equalSecrets(token, tokens.edge));
  };
}

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
