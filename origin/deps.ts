/**
 * @module
 * What the origin app is built from. The Node server and the Lambda handler build the same
 * app from different deps (a long-lived process with batching vs one request per invocation).
 */
import type { Logger } from "../shared/log.ts";
import type { Backend } from "./backends/backend.ts";
import type { LoadTracker } from "./load/load-tracker.ts";
import type { OriginMetrics } from "./metrics/origin-metrics.ts";

export interface OriginDeps {
  /** `origin/<region>` or `lambda/<region>` in `x-edgefleet-served-by`. */
  servedBy: string;
  backends: readonly Backend[];
  load: LoadTracker;
  metrics: OriginMetrics;
  log: Logger;
  maxBodyBytes: number;
  /** Set on SIGTERM: new requests are refused (503, retryable) while in-flight ones finish. */
  lifecycle: { draining: boolean };
}

export interface OriginEnv {
  Variables: {
    deps: OriginDeps;
    requestId: string;
    /** Aborts at the request's deadline or when the client goes away. */
    signal: AbortSignal;
  };
}

/** True when every backend is prepared and the origin is not shutting down. */
export function isReady(deps: OriginDeps): boolean {
  return !deps.lifecycle.draining && deps.backends.every((b) => b.ready());
}
