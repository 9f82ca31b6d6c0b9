/**
 * @module
 * Helpers of the operator routes: the audit line of an action (who, what, when, from where),
 * and the `admin` scope check for the routes that need more than `publish`.
 */
import type { Context } from "hono";
import { type AuditAction, type AuditEvent, clientAddress, createAuditor } from "../../shared/audit.ts";
import { ApiError } from "../../shared/errors.ts";
import { hasScope } from "../auth/principal.ts";
import type { EdgeEnv } from "../env.ts";

export async function audit(
  c: Context<EdgeEnv>,
  action: AuditAction,
  target: string,
  details?: AuditEvent["details"],
): Promise<void> {
  const { audit: auditor, log } = c.get("deps");
  const principal = c.get("principal");
  await (auditor ?? createAuditor(log)).record({
    actor: principal.actor,
    ...(principal.keyId === undefined ? {} : { tenant: principal.tenant }),
    action,
    target,
    from: clientAddress(c.req.raw.headers),
    outcome: "ok",
    request_id: c.get("requestId"),
    ...(details ? { details } : {}),
  });
}

export function requireAdmin(c: Context<EdgeEnv>): void {
  if (!hasScope(c.get("principal"), "admin")) {
    throw new ApiError(403, "insufficient_scope", "This API key lacks the 'admin' scope.");
  }
}
