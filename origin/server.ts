/**
 * @module
 * The regional origin as a Node HTTP server (@hono/node-server): listens at once (so
 * `/healthz` answers and `/readyz` says "not yet" while models load and warm), then
 * prepares its backends. `shutdown()` — what SIGTERM calls — stops taking requests
 * (new connections refused, requests on open ones answered 503 `origin_draining`), waits for
 * in-flight answers to finish (streams included) up to the drain timeout, then closes.
 */
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { jsonLogger, type Logger } from "../shared/log.ts";
import { createOriginApp } from "./app.ts";
import { buildOriginDeps, prepareBackends } from "./build.ts";
import type { OriginConfig } from "./config.ts";
import type { OriginDeps } from "./deps.ts";

export interface RunningOrigin {
  url: string;
  deps: OriginDeps;
  /** Resolves when every backend is prepared. */
  prepared: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startOrigin(
  config: OriginConfig,
  log: Logger = jsonLogger({ service: "origin", region: config.region }, config.log_level),
): Promise<RunningOrigin> {
  const deps = await buildOriginDeps(config, log);
  const app = createOriginApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s as Server));
    (s as Server).once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  log.log("info", "origin.listening", { url });
  const prepared = prepareBackends(deps);
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= drain(server, deps, config.drain_timeout_ms);
    return stopping;
  };
  return { url, deps, prepared, shutdown };
}

async function drain(server: Server, deps: OriginDeps, timeoutMs: number): Promise<void> {
  deps.lifecycle.draining = true;
  deps.log.log("info", "origin.draining", { in_flight: deps.load.inFlight });
  // close() stops accepting connections and resolves once every open one has ended; a
  // connection ends here once its last response is fully written and it falls idle, so the
  // sweep closes idle keep-alive connections as in-flight answers (streams too) complete.
  const closed = new Promise<"closed">((resolve) => server.close(() => resolve("closed")));
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  server.closeIdleConnections();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const outcome = await Promise.race([closed, timedOut]);
  clearInterval(sweep);
  clearTimeout(timer);
  if (outcome === "timeout") {
    deps.log.log("warn", "origin.drain_timeout", { in_flight: deps.load.inFlight });
    server.closeAllConnections();
    await closed;
  }
  deps.log.log("info", "origin.stopped", {});
}
