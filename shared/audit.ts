/**
 * @module
 * The audit log of operator actions (publish, rollout, promote, rollback, key changes):
 * who did what to which thing, when, from where, and how it ended. One helper for the edge's
 * admin API and the control plane alike, so every audit line has the same fields. Lines go
 * to the structured log under the event `audit` (Workers Logs / stdout keep and index them);
 * a sink may also store them. Secrets never enter an audit line: callers pass key ids.
 */
import type { Logger } from "./log.ts";

export const AUDIT_ACTIONS = [
  "blob.put",
  "model.set",
  "model.remove",
  "key.create",
  "key.revoke",
  "tenant.set",
  "publish",
  "rollout",
  "promote",
  "rollback",
  "drift.alert",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  /** Who: `key:<id>` of an API key, `admin-token` for the bootstrap credential. */
  actor: string;
  /** The actor's tenant, when the credential has one. */
  tenant?: string;
  action: AuditAction;
  /** What was acted on: a model id, a key id, a blob digest, a channel. */
  target: string;
  /** From where: the client address as the platform reports it (`cf-connecting-ip`, socket address). */
  from: string;
  outcome: "ok" | "denied" | "failed";
  request_id?: string;
  /** Small extra facts (version, scopes); never secrets. */
  details?: Record<string, string | number | boolean | string[]>;
}

export interface AuditRecord extends AuditEvent {
  /** When, ISO 8601 UTC. */
  at: string;
}

/** Somewhere to keep audit records beyond the log (a store, a queue); optional. */
export type AuditSink = (record: AuditRecord) => Promise<void>;

export interface Auditor {
  record(event: AuditEvent): Promise<void>;
}

/** An auditor writing to the log and, when given, a sink; a failing sink is logged, never thrown to the caller. */
export function createAuditor(log: Logger, sink?: AuditSink, now: () => Date = () => new Date()): Auditor {
  return {
    async record(event) {
      const record: AuditRecord = { at: now().toISOString(), ...event };
      log.log(event.outcome === "ok" ? "info" : "warn", "audit", { ...record });
      if (sink) {
        try {
          await sink(record);
        } catch (error) {
          log.log("error", "audit.sink_failed", { action: event.action, error: String(error) });
        }
      }
    },
  };
}

/** The client address of a request as the platform reports it, or `unknown`. */
export function clientAddress(headers: Headers): string {
  const cf = headers.get("cf-connecting-ip");
  if (cf) {
    return cf.slice(0, 64);
  }
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded ? forwarded.slice(0, 64) : "unknown";
}
