/**
 * @module
 * The Worker entry: parses the vars into the edge's configuration, builds the workerd platform
 * from the bindings (R2, KV, Durable Objects, ort-web) and wires the edge once per isolate.
 * A configuration that does not parse never serves with defaults: every request is answered
 * 500 `config_invalid` naming the bad keys, and the isolate logs it once.
 */
import type { Hono } from "hono";
import { jsonLogger } from "../../shared/log.ts";
import { ApiError, errorResponse } from "../../shared/errors.ts";
import { MemoryNamedStore } from "../../shared/storage/memory-named-store.ts";
import { R2BlobStore } from "../../adapters/workerd/r2-stores.ts";
import { ortWorkerdRuntime } from "../../adapters/workerd/ort-workerd.ts";
import { createEdgeApp } from "../app.ts";
import { ConfigError, type EdgeConfig, parseEdgeConfig } from "../config.ts";
import type { EdgeDeps } from "../deps.ts";
import type { EdgeEnv } from "../env.ts";
import { wireEdge } from "../wire-edge.ts";
import { KvKeyStore } from "../auth/key-store.ts";
import { KvTenantSettings } from "../auth/tenant-settings.ts";
import { DoModelCatalog } from "./catalog-client.ts";
import { DoRateLimiter } from "./rate-limiter-client.ts";
import { DoCacheStore } from "./cache-store-client.ts";
import { DoAgentState } from "./do-agent-state.ts";
import { KvTenantScorers } from "./kv-tenant-scorers.ts";
import type { ModelCatalogDO } from "./objects/catalog-object.ts";
import type { SemanticCacheDO } from "./objects/semantic-cache-object.ts";
import type { RateLimiterDO } from "./objects/rate-limiter-object.ts";

export { ModelCatalogDO } from "./objects/catalog-object.ts";
export { SemanticCacheDO } from "./objects/semantic-cache-object.ts";
export { RateLimiterDO } from "./objects/rate-limiter-object.ts";

/** The bindings; the vars (POP_ID, AUTH, CACHE_*, ORIGINS, …) are read by `edge/config.ts`. */
export interface Env {
  MODELS: R2Bucket;
  CATALOG: DurableObjectNamespace<ModelCatalogDO>;
  SEMCACHE: DurableObjectNamespace<SemanticCacheDO>;
  RATELIMIT: DurableObjectNamespace<RateLimiterDO>;
  CONFIG: KVNamespace;
}

type Built = { app: Hono<EdgeEnv>; sync: EdgeDeps["sync"] } | { invalid: ApiError };

let built: Built | undefined;

function build(env: Env): Built {
  let config: EdgeConfig;
  try {
    config = parseEdgeConfig(env as unknown as Record<string, unknown>);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    jsonLogger({ service: "edge" }).log("error", "config.invalid", { problems: error.problems });
    return { invalid: new ApiError(500, "config_invalid", error.message, { param: error.keys.join(",") }) };
  }
  const log = jsonLogger({ service: "edge", pop: config.pop }, config.logLevel);
  const stub = () => env.CATALOG.getByName(config.pop);
  const deps = wireEdge(config, {
    log,
    blobs: new R2BlobStore(env.MODELS),
    catalog: new DoModelCatalog(stub, config.catalogTtlMs, log),
    runtime: ortWorkerdRuntime,
    keys: new KvKeyStore(env.CONFIG, config.auth.cacheTtlMs),
    tenants: new KvTenantSettings(env.CONFIG, config.auth.cacheTtlMs),
    rateLimiter: new DoRateLimiter(env.RATELIMIT),
    cacheStore: new DoCacheStore(env.SEMCACHE),
    cacheScorers: new KvTenantScorers(env.CONFIG, config.cacheScorerTtlMs),
    // The TUF metadata lives in the isolate; the agent's progress in the PoP's Durable Object.
    syncStores: () => ({ agentState: new DoAgentState(stub), tufMetadata: new MemoryNamedStore() }),
  });
  return { app: createEdgeApp(deps), sync: deps.sync };
}

export default {
  fetch(request, env, ctx) {
    built ??= build(env);
    if ("invalid" in built) {
      return errorResponse(built.invalid);
    }
    return built.app.fetch(request, env, ctx);
  },
  // A cron trigger keeps a PoP converging even when nobody calls `POST /admin/sync`.
  scheduled(_event, env, ctx) {
    built ??= build(env);
    if ("app" in built && built.sync) {
      ctx.waitUntil(built.sync.runOnce().then(() => undefined));
    }
  },
} satisfies ExportedHandler<Env>;
