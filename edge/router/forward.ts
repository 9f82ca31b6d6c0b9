/**
 * @module
 * Sends a request through the router from an edge route and turns the origin's answer into
 * the edge's: the origin's body and status as they are, its model version and provider, and
 * the edge's own `x-edgefleet-served-by` naming the pool that answered. The request's
 * deadline is the caller's `x-edgefleet-deadline` or the policy's default, whichever is sooner.
 * The origin learns the authenticated tenant from the edge (`x-edgefleet-tenant`), never from
 * the client: the router builds the origin's headers itself and passes no client header on.
 */
import type { Context } from "hono";
import {
  DEADLINE_HEADER,
  MODEL_VERSION_HEADER,
  parseDeadline,
  ALL_TENANTS,
  SERVED_BY_HEADER,
} from "../../shared/protocol/headers.ts";
import type { EdgeEnv } from "../env.ts";
import type { OriginRouter, RouteRequest, Routed } from "./router.ts";

/** Origin headers a client may see; load signals and hop details stay between edge and origin. */
const PASSED_ON = ["content-type", MODEL_VERSION_HEADER, "x-edgefleet-provider", "server-timing", "cache-control"];

export async function forwardToOrigins(
  c: Context<EdgeEnv>,
  router: OriginRouter,
  request: Omit<RouteRequest, "deadline" | "requestId" | "signal" | "tenant">,
): Promise<Routed> {
  const asked = parseDeadline(c.req.header(DEADLINE_HEADER));
  const deadline = Math.min(asked ?? Infinity, Date.now() + router.policy.deadline_ms);
  const principal = c.get("principal");
  return router.route({
    ...request,
    deadline,
    requestId: c.get("requestId"),
    signal: c.req.raw.signal,
    tenant: principal.seesAllModels ? ALL_TENANTS : principal.tenant,
  });
}

export function originResponse(routed: Routed): Response {
  const headers = new Headers();
  for (const name of PASSED_ON) {
    const value = routed.response.headers.get(name);
    if (value !== null) {
      headers.set(name, value);
    }
  }
  headers.set(SERVED_BY_HEADER, routed.servedBy);
  headers.set("x-edgefleet-cache", "bypass");
  headers.set("x-edgefleet-attempts", String(routed.attempts));
  return new Response(routed.body, { status: routed.response.status, headers });
}
