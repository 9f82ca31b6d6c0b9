/**
 * @module
 * Header names of the edge ↔ origin contract (README.md, "API"), in one place so the
 * router, the origins and the Lambda envelope cannot drift apart.
 */

/** Absolute deadline of a request, Unix epoch milliseconds; every hop stops work past it. */
export const DEADLINE_HEADER = "x-edgefleet-deadline";
/** Requests an origin has accepted but not started on a model session (a router load signal). */
export const QUEUE_DEPTH_HEADER = "x-edgefleet-queue-depth";
/** Requests an origin is handling right now (a router load signal). */
export const IN_FLIGHT_HEADER = "x-edgefleet-in-flight";
/** `edge/<pop>`, `origin/<region>`, `lambda/<region>` or `edge-fallback`. */
export const SERVED_BY_HEADER = "x-edgefleet-served-by";
export const MODEL_VERSION_HEADER = "x-edgefleet-model-version";
export const REQUEST_ID_HEADER = "x-request-id";
/** Same key on every attempt of one request, so an origin that ran it twice can be de-duplicated in billing and logs. */
export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * The tenant the edge authenticated, set by the edge on every origin call (a client's own is
 * never passed on: the router builds origin headers from scratch). Origins hide a model
 * private to other tenants behind it; `*` (never a tenant name) is an operator, who sees all.
 */
export const TENANT_HEADER = "x-edgefleet-tenant";
export const ALL_TENANTS = "*";

/** Parses a deadline header; undefined when absent or not a plausible epoch-ms number. */
export function parseDeadline(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{10,16}$/.test(value)) {
    return undefined;
  }
  return Number(value);
}
