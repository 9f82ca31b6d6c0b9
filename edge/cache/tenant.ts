/**
 * @module
 * The tenant a request belongs to, for cache isolation: the tenant of the authenticated API
 * key (set by the auth middleware). Only with `AUTH=off` — local development — is there no
 * key record; then the tenant is derived from the bearer credential itself (its SHA-256), so
 * two callers with different credentials still never share a partition.
 */
import type { Context } from "hono";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import type { EdgeEnv } from "../env.ts";

export function tenantOf(c: Context<EdgeEnv>): string {
  return `tenant:${c.get("principal").tenant}`;
}

export async function devTenantOf(credential: string | undefined): Promise<string> {
  if (credential === undefined) {
    return "anonymous";
  }
  return `dev-${(await sha256Hex(new TextEncoder().encode(credential))).slice(0, 32)}`;
}
