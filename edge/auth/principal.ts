/**
 * @module
 * Who is calling: the authenticated key's tenant and scopes (or the bootstrap admin token,
 * or — with `AUTH=off`, local development only — an unauthenticated developer), and what that
 * allows: which scopes a scope includes, and which models the caller may see.
 */
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { Scope } from "./api-key.ts";

export interface Principal {
  /** For logs and the audit log: `key:<id>`, `admin-token` or `dev`. */
  actor: string;
  /** How the caller got in: the bootstrap token administers and is never let into `/v1/*`. */
  via: "api-key" | "bootstrap-token" | "auth-off";
  /** The cache partition and private-model owner; the only tenant a non-operator administers. */
  tenant: string;
  scopes: readonly Scope[];
  /** The key id, the rate limiter's bucket; absent for the admin token and `AUTH=off`. */
  keyId?: string;
  /** Operators and `AUTH=off` developers see every model, private ones included. */
  seesAllModels: boolean;
}

/**
 * What each scope includes besides itself. `operator` includes everything (it could mint any
 * key anyway); a tenant's `admin` includes `infer` in its own tenant, never `publish`, whose
 * catalog is every tenant's.
 */
const INCLUDES: Readonly<Record<Scope, readonly Scope[]>> = {
  operator: ["admin", "publish", "infer"],
  admin: ["infer"],
  publish: [],
  infer: [],
};

export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.some((held) => held === scope || INCLUDES[held].includes(scope));
}

/** Operators (the bootstrap token, `operator` keys) act on every tenant and on fleet routes. */
export function isOperator(p: Principal): boolean {
  return hasScope(p, "operator");
}

/** A model marked private (`private_to`) exists only for its tenants; everyone else gets 404, never 403. */
export function mayUse(p: Principal, manifest: ModelManifest): boolean {
  const owners = manifest.private_to;
  return owners === undefined || p.seesAllModels || owners.includes(p.tenant);
}
