/**
 * @module
 * The edge app on Node, for self-hosted PoPs: the same configuration (`edge/config.ts`) and the
 * same wiring (`edge/wire-edge.ts`) as the Worker, on a Node platform — onnxruntime-node (CPU,
 * or CUDA on a GPU host), model files and the TUF client's trusted metadata on disk, catalog,
 * API keys, tenants, rate limits and the response cache in memory. With a control URL and a
 * trusted root the sync agent runs on a timer (and on `POST /admin/sync`) until `close()`.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createEdgeApp } from "../app.ts";
import { type EdgeConfig, parseEdgeConfig } from "../config.ts";
import { wireEdge } from "../wire-edge.ts";
import { MemoryKeyStore } from "../auth/key-store.ts";
import { MemoryTenantSettings } from "../auth/tenant-settings.ts";
import { MemoryRateLimiter } from "../auth/rate-limiter.ts";
import { MemoryTenantScorers } from "../cache/tenant-scorers.ts";
import { jsonLogger, type Logger } from "../../shared/log.ts";
import { MemoryModelCatalog } from "../../shared/storage/memory-model-catalog.ts";
import { MemoryCacheStore } from "../../shared/cache/memory-cache-store.ts";
import { MemoryAgentStateStore } from "../../shared/sync/agent-state.ts";
import { FsBlobStore } from "../../adapters/node/fs-blob-store.ts";
import { FsNamedStore } from "../../adapters/node/fs-named-store.ts";
import { ortNodeRuntime } from "../../adapters/node/ort-node.ts";

export interface NodePopControl {
  url: string;
  /** The registry's root.json (JSON text); without it there is no sync agent, only cache feedback. */
  trustedRoot?: string;
  token?: string;
  graceMs?: number;
}

export interface NodePopOptions {
  pop: string;
  dataDir: string;
  adminToken: string;
  /** API keys on `/v1/*` (default on); keys live in memory, created through `/admin/keys`. */
  auth?: "on" | "off";
  port?: number;
  host?: string;
  /** Model memory budget (MB); default 1024 (a host has more room than an isolate's 96). */
  budgetMb?: number;
  threads?: number;
  log?: Logger;
  /** The origin table (the Worker's `ORIGINS`): an object or its JSON text. */
  origins?: unknown;
  control?: NodePopControl;
  /** How often the sync agent runs a round by itself (the Worker's cron trigger); default 60 s. */
  syncIntervalMs?: number;
  /** Any other setting by its Worker variable name (`CACHE_TTL_S`, `RATE_LIMIT_RPM`, …); the options above win. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningNodePop {
  url: string;
  config: EdgeConfig;
  /** Whether the sync agent runs (a control URL and a trusted root were given). */
  sync: boolean;
  close(): Promise<void>;
}

/** The options as the Worker's variables, so both runtimes parse (and reject) them identically. */
export function nodePopEnv(o: NodePopOptions): Record<string, unknown> {
  const set: Record<string, unknown> = {
    POP_ID: o.pop,
    ADMIN_TOKEN: o.adminToken,
    AUTH: o.auth,
    MODEL_MEMORY_BUDGET_MB: o.budgetMb,
    ORIGINS: o.origins === undefined || typeof o.origins === "string" ? o.origins : JSON.stringify(o.origins),
    CONTROL_URL: o.control?.url,
    TRUSTED_ROOT: o.control?.trustedRoot,
    CONTROL_TOKEN: o.control?.token,
    SYNC_GRACE_MS: o.control?.graceMs,
  };
  return {
    MODEL_MEMORY_BUDGET_MB: "1024",
    ...o.env,
    ...Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)),
  };
}

/** Rejects with a `ConfigError` (naming every bad setting) before anything listens. */
export async function startNodePop(o: NodePopOptions): Promise<RunningNodePop> {
  const config = parseEdgeConfig(nodePopEnv(o));
  const log = o.log ?? jsonLogger({ service: "edge-node", pop: config.pop }, config.logLevel);
  const deps = wireEdge(config, {
    log,
    blobs: new FsBlobStore(o.dataDir),
    catalog: new MemoryModelCatalog(),
    runtime: ortNodeRuntime({ threads: o.threads }),
    keys: new MemoryKeyStore(),
    tenants: new MemoryTenantSettings(),
    rateLimiter: new MemoryRateLimiter(),
    cacheStore: new MemoryCacheStore(),
    cacheScorers: new MemoryTenantScorers(),
    syncStores: () => ({
      // The catalog is in memory, so the agent's progress is too: after a restart it replays the
      // feed into the empty catalog. The TUF metadata stays on disk as the rollback floor.
      agentState: new MemoryAgentStateStore(),
      tufMetadata: new FsNamedStore(join(o.dataDir, "tuf")),
    }),
  });
  const app = createEdgeApp(deps);
  const host = o.host ?? "127.0.0.1";
  const { url, server } = await new Promise<{ url: string; server: ReturnType<typeof serve> }>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port: o.port ?? 0, hostname: host }, (info: AddressInfo) =>
      resolve({ url: `http://${host}:${info.port}`, server: listening }),
    );
    listening.once("error", reject);
  });
  const sync = deps.sync;
  const timer = sync
    ? setInterval(() => {
        sync.runOnce().catch((error: unknown) => log.log("error", "sync.failed", { error: String(error) }));
      }, o.syncIntervalMs ?? 60_000)
    : undefined;
  return {
    url,
    config,
    sync: sync !== undefined,
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
