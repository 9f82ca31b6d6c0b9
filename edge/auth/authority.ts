/**
 * @module
 * The checks of the admin routes, one place for each rule of docs/security.md ("Authority"):
 * a route's scope (403 `insufficient_scope`), the tenant a route touches against the caller's
 * own (403 `tenant_forbidden`, unless the caller is an operator), and the scopes a caller may
 * put on a key it mints or revokes (403 `scope_not_grantable`: never more than its own).
 */
import { ApiError } from "../../shared/errors.ts";
import type { Scope } from "./api-key.ts";
import { hasScope, isOperator, type Principal } from "./principal.ts";

export function requireScopeOf(p: Principal, scope: Scope): void {
  if (!hasScope(p, scope)) {
    throw new ApiError(403, "insufficient_scope", `This credential lacks the '${scope}' scope.`);
  }
}

/** Fleet-wide routes (removing models, sync, faults): operators only. */
export function requireOperator(p: Principal): void {
  requireScopeOf(p, "operator");
}

/** Administering one tenant: scope `admin`, and that tenant must be the caller's own unless it is an operator. */
export function requireTenantAdmin(p: Principal, tenant: string): void {
  requireScopeOf(p, "admin");
  if (!isOperator(p) && tenant !== p.tenant) {
    throw new ApiError(
      403,
      "tenant_forbidden",
      `This key administers tenant '${p.tenant}' only; '${tenant}' needs an operator.`,
      { param: "tenant" },
    );
  }
}

/** A caller mints or revokes only keys whose every scope it holds itself. */
export function requireGrantable(p: Principal, scopes: readonly Scope[]): void {
  const beyond = scopes.filter((s) => !hasScope(p, s));
  if (beyond.length > 0) {
    throw new ApiError(
      403,
      "scope_not_grantable",
      `This credential cannot grant or revoke scope ${beyond.map((s) => `'${s}'`).join(", ")}: it does not hold it.`,
      { param: "scopes" },
    );
  }
}
