/**
 * @module
 * The edge app on Node, for self-hosted PoPs: the same Hono app as the Worker, with
 * onnxruntime-node (CPU, or CUDA on a GPU host), files on disk and an in-memory catalog.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createEdgeApp } from "../app.ts";
import { DEFAULT_LIMITS, DEFAULT_RATE_LIMITS } from "../deps.ts";
import { MemoryKeyStore } from "../auth/key-store.ts";
import { MemoryTenantSettings } from "../auth/tenant-settings.ts";
import { MemoryRateLimiter } from "../auth/rate-limiter.ts";
import { ModelEngine } from "../../shared/engine/model-engine.ts";
import { jsonLogger, type Logger } from "../../shared/log.ts";
import { MemoryModelCatalog } from "../../shared/storage/memory-model-catalog.ts";
import { MemoryCacheStore } from "../../shared/cache/memory-cache-store.ts";
import { DEFAULT_CACHE_SETTINGS } from "../cache/cache-settings.ts";
import { FsBlobStore } from "../../adapters/node/fs-blob-store.ts";
import { ortNodeRuntime } from "../../adapters/node/ort-node.ts";

export interface NodePopOptions {
  pop: string;
  dataDir: string;
  adminToken: string;
  /** API keys on `/v1/*` (default on); keys live in memory, created through `/admin/keys`. */
  auth?: "on" | "off";
  port?: number;
  host?: string;
  budgetMb?: number;
  threads?: number;
  log?: Logger;
}

export interface RunningNodePop {
  url: string;
  close(): Promise<void>;
}

export async function startNodePop(o: NodePopOptions): Promise<RunningNodePop> {
  const log = o.log ?? jsonLogger({ service: "edge-node", pop: o.pop });
  const blobs = new FsBlobStore(o.dataDir);
  const app = createEdgeApp({
    pop: o.pop,
    log,
    blobs,
    catalog: new MemoryModelCatalog(),
    engine: new ModelEngine({
      runtime: ortNodeRuntime({ threads: o.threads }),
      blobs,
      budgetBytes: (o.budgetMb ?? 1024) * 2 ** 20,
      log,
    }),
    limits: DEFAULT_LIMITS,
    adminToken: o.adminToken,
    tenants: new MemoryTenantSettings(),
    auth: {
      mode: o.auth ?? "on",
      keys: new MemoryKeyStore(),
      rateLimiter: new MemoryRateLimiter(),
      defaultLimits: DEFAULT_RATE_LIMITS,
    },
    cache: { store: new MemoryCacheStore(), settings: DEFAULT_CACHE_SETTINGS },
  });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: o.port ?? 0, hostname: o.host ?? "127.0.0.1" },
      (info: AddressInfo) => {
        resolve({
          url: `http://${o.host ?? "127.0.0.1"}:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      },
    );
    server.once("error", reject);
  });
}
