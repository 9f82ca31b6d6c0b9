/**
 * @module
 * Authenticates `authorization: Bearer <key>` and requires a scope: 401 when the credential
 * is missing, malformed, unknown or revoked; 403 when the key lacks the scope. The bootstrap
 * `ADMIN_TOKEN` counts as an operator with scopes admin and publish. With `AUTH=off` (local
 * development only) `/v1/*` needs no key and the cache tenant comes from the credential's hash.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors.ts";
import { type ApiKeyRecord, equalDigests, hashKey, keyIdOf, type Scope, SCOPES } from "../auth/api-key.ts";
import { hasScope, type Principal } from "../auth/principal.ts";
import { devTenantOf } from "../cache/tenant.ts";
import type { EdgeEnv } from "../env.ts";

export function requireScope(scope: Scope, options: { allowAuthOff: boolean }) {
  return createMiddleware<EdgeEnv>(async (c, next) => {
    const principal = await authenticate(c, options.allowAuthOff);
    if (!hasScope(principal, scope)) {
      throw new ApiError(403, "insufficient_scope", `This API key lacks the '${scope}' scope.`);
    }
    c.set("principal", principal);
    await next();
  });
}

async function authenticate(c: Context<EdgeEnv>, allowAuthOff: boolean): Promise<Principal> {
  const { auth, adminToken } = c.get("deps");
  const header = c.req.header("authorization") ?? "";
  const given = /^Bearer [\x21-\x7e]{1,512}$/.test(header) ? header.slice(7) : undefined;
  if (auth.mode === "off" && allowAuthOff) {
    return { actor: "dev", tenant: await devTenantOf(given), scopes: SCOPES, seesAllModels: true };
  }
  if (given === undefined) {
    throw new ApiError(401, "missing_api_key", "Send an API key as 'authorization: Bearer <key>'.");
  }
  const givenHash = await hashKey(given);
  if (adminToken && equalDigests(givenHash, await hashKey(adminToken))) {
    return { actor: "admin-token", tenant: "operator", scopes: ["admin", "publish"], seesAllModels: true };
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
