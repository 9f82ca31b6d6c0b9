/**
 * @module
 * The Hono environment type of the edge app: per-request variables set by middleware.
 */
import type { EdgeDeps } from "./deps.ts";

export interface EdgeEnv {
  Variables: {
    requestId: string;
    deps: EdgeDeps;
  };
}
