/**
 * @module
 * The Hono environment type of the edge app: per-request variables set by middleware.
 */
import type { Principal } from "./auth/principal.ts";
import type { EdgeDeps } from "./deps.ts";

export interface EdgeEnv {
  Variables: {
    requestId: string;
    deps: EdgeDeps;
    /** Set by the auth middleware on `/v1/*` and `/admin/*`. */
    principal: Principal;
  };
}
