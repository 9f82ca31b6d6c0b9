/**
 * @module
 * The audit line of an admin route's action (who, what, when, from where). Who may take the
 * action is edge/auth/authority.ts's to decide.
 */
import type { Context } from "hono";
import { type AuditAction, type AuditEvent, clientAddress, createAuditor } from "../../shared/audit.ts";
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
