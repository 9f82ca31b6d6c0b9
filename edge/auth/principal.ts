/**
 * @module
 * Who is calling: the authenticated key's tenant and scopes (or the bootstrap admin token,
 * or — with `AUTH=off`, local development only — an unauthenticated developer), and what that
 * allows: which scope a route needs, and which models the caller may see.
 */
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { Scope } from "./api-key.ts";

export interface Principal {
  /** For logs and the audit log: `key:<id>`, `admin-token` or `dev`. */
  actor: string;
  /** The cache partition and private-model owner. */
  tenant: string;
  scopes: readonly Scope[];
  /** The key id, the rate limiter's bucket; absent for the admin token and `AUTH=off`. */
  keyId?: string;
  /** Operators and `AUTH=off` developers see every model, private ones included. */
  seesAllModels: boolean;
}

/** `admin` includes every other scope: an operator may also publish and try a model. */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.includes(scope) || p.scopes.includes("admin");
}

/** A model marked private (`private_to`) exists only for its tenants; everyone else gets 404, never 403. */
export function mayUse(p: Principal, manifest: ModelManifest): boolean {
  const owners = manifest.private_to;
  return owners === undefined || p.seesAllModels || owners.includes(p.tenant);
}
