/**
 * @module
 * Authenticates `authorization: Bearer <key>` for the two route families: 401 when the
 * credential is missing, malformed, unknown or revoked; 403 when it may not use the family.
 * `/v1/*` needs scope `infer`, and the bootstrap `ADMIN_TOKEN` is refused there (403
 * `bootstrap_token_not_for_inference`: it administers, it never runs inference); with
 * `AUTH=off` (local development only) `/v1/*` needs no key and the cache tenant comes from the
 * credential's hash. `/admin/*` needs some administrative scope (`admin`, `publish` or
 * `operator`, or the bootstrap token, an operator); each admin route then checks its own rule
 * (edge/auth/authority.ts).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors.ts";
import { type ApiKeyRecord, equalDigests, hashKey, keyIdOf, SCOPES } from "../auth/api-key.ts";
import { requireScopeOf } from "../auth/authority.ts";
import { hasScope, type Principal } from "../auth/principal.ts";
import { devTenantOf } from "../cache/tenant.ts";
import type { EdgeEnv } from "../env.ts";

/** `/v1/*`: an `infer` key (never the bootstrap token), or anyone with `AUTH=off`. */
export const authenticateInference = createMiddleware<EdgeEnv>(async (c, next) => {
  const { auth } = c.get("deps");
  if (auth.mode === "off") {
    const given = bearerOf(c);
    c.set("principal", {
      actor: "dev",
      via: "auth-off",
      tenant: await devTenantOf(given),
      scopes: SCOPES,
      seesAllModels: true,
    });
    await next();
    return;
  }
  const principal = await authenticate(c);
  if (principal.via === "bootstrap-token") {
    throw new ApiError(
      403,
      "bootstrap_token_not_for_inference",
      "The bootstrap ADMIN_TOKEN administers the edge and never runs inference; use an API key with scope 'infer'.",
    );
  }
  requireScopeOf(principal, "infer");
  c.set("principal", principal);
  await next();
});

/** `/admin/*`: a credential with some administrative scope; the route checks the rest. */
export const authenticateAdmin = createMiddleware<EdgeEnv>(async (c, next) => {
  const principal = await authenticate(c);
  if (!hasScope(principal, "admin") && !hasScope(principal, "publish")) {
    throw new ApiError(403, "insufficient_scope", "This API key lacks an administrative scope ('admin' or 'publish').");
  }
  c.set("principal", principal);
  await next();
});

function bearerOf(c: Context<EdgeEnv>): string | undefined {
  const header = c.req.header("authorization") ?? "";
  return /^Bearer [\x21-\x7e]{1,512}$/.test(header) ? header.slice(7) : undefined;
}

async function authenticate(c: Context<EdgeEnv>): Promise<Principal> {
  const { adminToken } = c.get("deps");
  const given = bearerOf(c);
  if (given === undefined) {
    throw new ApiError(401, "missing_api_key", "Send an API key as 'authorization: Bearer <key>'.");
  }
  const givenHash = await hashKey(given);
  if (adminToken && equalDigests(givenHash, await hashKey(adminToken))) {
    return {
      actor: "admin-token",
      via: "bootstrap-token",
      tenant: "operator",
      scopes: ["operator"],
      seesAllModels: true,
    };
  }
  const id = keyIdOf(given);
  const record = id === undefined ? undefined : await lookup(c, id);
  // Unknown id and wrong secret answer alike, and both do the same hashing work.
  if (!record || !equalDigests(givenHash, record.hash)) {
    throw new ApiError(401, "invalid_api_key", "The API key is not valid.");
  }
  if (record.revoked_at !== undefined) {
    throw new ApiError(401, "revoked_api_key", "The API key has been revoked.");
  }
  return {
    actor: `key:${record.id}`,
    via: "api-key",
    tenant: record.tenant,
    scopes: record.scopes,
    keyId: record.id,
    seesAllModels: false,
  };
}

/** Fail closed, but say so: a key store outage is a 503 to retry, not a 401 or a bare 500. */
async function lookup(c: Context<EdgeEnv>, id: string): Promise<ApiKeyRecord | undefined> {
  try {
    return await c.get("deps").auth.keys.get(id);
  } catch (error) {
    throw new ApiError(503, "auth_unavailable", "API keys cannot be checked right now; retry shortly.", {
      retryAfter: 5,
      cause: error,
    });
  }
}
