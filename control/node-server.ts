/**
 * @module
 * The self-hosted control plane on Node: the registry on the filesystem (the directory
 * `edgefleet publish` writes), the coordinator's state in one atomically replaced JSON file,
 * the Hono app on `@hono/node-server`, with `/metrics` and the operator dashboard (`/dashboard`).
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { limitUrl } from "../shared/http/limit-url.ts";
import { useErrorHandlers } from "../shared/http/error-handler.ts";
import { dashboardRoutes } from "./dashboard/routes.ts";
import { fleetMetrics } from "./fleet-metrics.ts";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Gate } from "../shared/sync/protocol.ts";
import { FsBlobStore } from "../adapters/node/fs-blob-store.ts";
import { FsNamedStore } from "../adapters/node/fs-named-store.ts";
import { controlApp } from "./app.ts";
import { deviceAssets } from "./device-assets.ts";
import { type Authorizer, tokenAuthorizer } from "./auth.ts";
import { Coordinator } from "./coordinator.ts";
import { NamedControlStore } from "./named-control-store.ts";
import { published } from "./published.ts";
import { createAuditor } from "../shared/audit.ts";
import { jsonLogger } from "../shared/log.ts";
import { DriftService } from "./monitoring/drift-service.ts";
import { registryProfiles } from "./monitoring/registry-profiles.ts";
import type { CacheTraining } from "./cache-training/cache-training.ts";
import { persistentCacheTraining } from "./cache-training/training-persistence.ts";
import { scheduleRetraining } from "./cache-training/retrain-schedule.ts";

export interface ControlPlaneOptions {
  /** The registry directory (`metadata/` and the chunk store). */
  registryDir: string;
  /** Where the coordinator's state file lives (default: `<registryDir>/control`). */
  stateDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  operatorToken: string;
  edgeToken?: string;
  /** Replaces the token check (scoped API keys). */
  authorize?: Authorizer;
  gate?: Partial<Gate>;
  /** Drift alerts are also POSTed here, HMAC-signed with the secret (docs/monitoring.md). */
  driftWebhook?: { url: string; secret: string; attempts?: number; backoffMs?: number };
  /** The built browser device (`dist/device`) to serve at `/device/`. */
  deviceAppDir?: string;
  /** How often tenants with new cache feedback are retrained (ms; 0 = only on drift or on demand). */
  retrainEveryMs?: number;
  /** The semantic cache's embedder: drift on it retrains every tenant's scorer (default `use-lite`). */
  cacheEmbedderModel?: string;
}

export interface RunningControlPlane {
  url: string;
  coordinator: Coordinator;
  drift: DriftService;
  cacheTraining: CacheTraining;
  close(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<RunningControlPlane> {
  const metadata = new FsNamedStore(join(options.registryDir, "metadata"));
  const blobs = new FsBlobStore(options.registryDir);
  const log = jsonLogger({ service: "control" });
  const drift = new DriftService({
    profiles: registryProfiles(metadata, blobs),
    log,
    auditor: createAuditor(log),
    ...(options.driftWebhook ? { webhook: options.driftWebhook } : {}),
  });
  const stateDir = options.stateDir ?? join(options.registryDir, "control");
  const coordinator = new Coordinator({
    drift,
    store: new NamedControlStore(new FsNamedStore(stateDir)),
    versionExists: published(metadata),
    ...(options.gate ? { gate: options.gate } : {}),
  });
  const persisted = await persistentCacheTraining(new FsNamedStore(join(stateDir, "cache-training")), { log });
  const cacheTraining = persisted.training;
  const retraining = scheduleRetraining(cacheTraining, {
    everyMs: options.retrainEveryMs ?? 0,
    drift,
    embedderModel: options.cacheEmbedderModel ?? "use-lite",
    log,
  });
  const authorize =
    options.authorize ??
    tokenAuthorizer({ operator: options.operatorToken, ...(options.edgeToken ? { edge: options.edgeToken } : {}) });
  const control = controlApp({
    coordinator,
    registry: { metadata, blobs },
    drift,
    cacheTraining,
    ...(options.deviceAppDir ? { deviceApp: deviceAssets(options.deviceAppDir) } : {}),
    authorize,
  });
  // Node only: /metrics (prom-client) and the dashboard sit in front of the shared control app.
  const metrics = fleetMetrics(() => coordinator.status());
  const app = new Hono();
  app.use(limitUrl());
  app.get("/metrics", async (c) => c.body(await metrics.metrics(), 200, { "content-type": metrics.contentType }));
  app.route("/", dashboardRoutes(coordinator, authorize));
  app.route("/", control);
  useErrorHandlers(app);
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s as Server));
    (s as Server).once("error", reject);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    coordinator,
    drift,
    cacheTraining,
    close: async () => {
      retraining.stop();
      await new Promise<void>((resolve) => {
        // Open SSE streams and long polls would hold `close` forever.
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await retraining.idle();
      await persisted.close();
    },
  };
}
