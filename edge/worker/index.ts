/**
 * @module
 * The Worker entry: builds the edge app from the bindings once per isolate and serves it.
 */
import type { Hono } from "hono";
import { ModelEngine } from "../../shared/engine/model-engine.ts";
import { jsonLogger, type LogLevel } from "../../shared/log.ts";
import { DoModelCatalog } from "./catalog-client.ts";
import { R2BlobStore } from "./r2-blob-store.ts";
import { createEdgeApp } from "../app.ts";
import type { ModelCatalogDO } from "./objects/catalog-object.ts";
import { DEFAULT_LIMITS, DEFAULT_RATE_LIMITS, type EdgeDeps } from "../deps.ts";
import { KvKeyStore } from "../auth/key-store.ts";
import { KvTenantSettings } from "../auth/tenant-settings.ts";
import { DoRateLimiter } from "./rate-limiter-client.ts";
import type { RateLimiterDO } from "./objects/rate-limiter-object.ts";
import type { EdgeEnv } from "../env.ts";
import { ortWorkerdRuntime } from "../../adapters/workerd/ort-workerd.ts";
import { DoCacheStore } from "./cache-store-client.ts";
import type { SemanticCacheDO } from "./objects/semantic-cache-object.ts";
import { DEFAULT_CACHE_SETTINGS } from "../cache/cache-settings.ts";
import { HotAnswers } from "../cache/hot-answers.ts";
import { LookupOrder } from "../cache/lookup-order.ts";
import { type OriginBindings, routerFromBindings } from "./origin-router.ts";
import { HealthRecorder } from "../../shared/sync/health.ts";
import { SketchRecorder } from "../../shared/monitoring/recorder.ts";
import { OutcomeSink } from "../monitoring/outcome-sink.ts";
import { PopMetricsRecorder } from "../../shared/sync/pop-metrics-recorder.ts";
import { FaultInjector } from "../faults.ts";
import { workerSync } from "./worker-sync.ts";
import { CacheFeedbackSink, shipToControl } from "../cache/cache-feedback.ts";
import { KvTenantScorers } from "./kv-tenant-scorers.ts";

export { ModelCatalogDO } from "./objects/catalog-object.ts";
export { SemanticCacheDO } from "./objects/semantic-cache-object.ts";
export { RateLimiterDO } from "./objects/rate-limiter-object.ts";

export interface Env extends OriginBindings {
  MODELS: R2Bucket;
  CATALOG: DurableObjectNamespace<ModelCatalogDO>;
  SEMCACHE: DurableObjectNamespace<SemanticCacheDO>;
  RATELIMIT: DurableObjectNamespace<RateLimiterDO>;
  CONFIG: KVNamespace;
  POP_ID?: string;
  ADMIN_TOKEN?: string;
  /** "off" opens `/v1/*` without API keys: local development only. Anything else (or unset): on. */
  AUTH?: string;
  /** How long an isolate trusts a key record it read from KV (seconds); part of the revocation bound. */
  AUTH_CACHE_TTL_S?: string;
  RATE_LIMIT_RPM?: string;
  RATE_LIMIT_TPM?: string;
  MODEL_MEMORY_BUDGET_MB?: string;
  MAX_BODY_BYTES?: string;
  CATALOG_TTL_MS?: string;
  LOG_LEVEL?: string;
  /** "off" turns the response cache off. */
  CACHE?: string;
  CACHE_TTL_S?: string;
  CACHE_CAPACITY?: string;
  CACHE_THRESHOLD?: string;
  CACHE_EMBEDDER?: string;
  CACHE_VERIFIER?: string;
  /** `exact-first`: no adaptive lookup order (edge/cache/lookup-order.ts). */
  CACHE_LOOKUP_ORDER?: string;
  /** The control plane; with TRUSTED_ROOT set, the sync agent runs (cron trigger, `POST /admin/sync`). */
  CONTROL_URL?: string;
  /** The registry's root.json this PoP trusts (JSON text). */
  TRUSTED_ROOT?: string;
  /** Bearer token for the control plane's edge routes. */
  CONTROL_TOKEN?: string;
  /** How long a new version must serve without errors before the old session is released. */
  SYNC_GRACE_MS?: string;
  /** Length of a drift-sketch window (ms); one sketch per model version per window. */
  MONITORING_WINDOW_MS?: string;
  /** "on" enables `PUT /admin/faults/:model` (chaos drills; never in production). */
  FAULTS?: string;
}

let app: Hono<EdgeEnv> | undefined;
let sync: EdgeDeps["sync"];

function build(env: Env): Hono<EdgeEnv> {
  const pop = env.POP_ID ?? "local";
  const log = jsonLogger({ service: "edge", pop }, (env.LOG_LEVEL as LogLevel | undefined) ?? "info");
  const blobs = new R2BlobStore(env.MODELS);
  const stub = () => env.CATALOG.getByName(pop);
  const catalog = new DoModelCatalog(stub, numberOr(env.CATALOG_TTL_MS, 1000), log);
  const engine = new ModelEngine({
    runtime: ortWorkerdRuntime,
    blobs,
    budgetBytes: numberOr(env.MODEL_MEMORY_BUDGET_MB, 96) * 2 ** 20,
    log,
  });
  const health = new HealthRecorder();
  const sketches = new SketchRecorder({ windowMs: numberOr(env.MONITORING_WINDOW_MS, 60_000) });
  const outcomes = new OutcomeSink();
  const metrics = new PopMetricsRecorder();
  const router = routerFromBindings(env, log);
  const cacheScorers = new KvTenantScorers(env.CONFIG, numberOr(env.AUTH_CACHE_TTL_S, 10) * 1000);
  sync =
    env.CONTROL_URL && env.TRUSTED_ROOT
      ? workerSync({
          pop,
          controlUrl: env.CONTROL_URL,
          token: env.CONTROL_TOKEN,
          trustedRoot: env.TRUSTED_ROOT,
          graceMs: numberOr(env.SYNC_GRACE_MS, 30_000),
          blobs,
          engine,
          catalog,
          cacheScorers,
          health,
          sketches,
          outcomes,
          stub,
          log,
          metrics: () => metrics.snapshot(router?.originStates() ?? []),
        })
      : undefined;
  // The learning cache: scored semantic hits wait for feedback, which goes to the control plane's retraining.
  const cacheFeedback = env.CONTROL_URL
    ? new CacheFeedbackSink({
        ship: shipToControl(env.CONTROL_URL, env.CONTROL_TOKEN),
        // A wrong hit of a rolled-out scorer is an error of that scorer version: the canary gate sees it.
        onWrongHit: (release) => health.markError(release.model, release.version),
      })
    : undefined;
  return createEdgeApp({
    pop,
    log,
    cacheScorers,
    ...(cacheFeedback ? { cacheFeedback } : {}),
    blobs,
    catalog,
    engine,
    health,
    sketches,
    outcomes,
    feedbackSinks: cacheFeedback ? [outcomes, cacheFeedback] : [outcomes],
    metrics,
    ...(sync ? { sync } : {}),
    ...(env.FAULTS === "on" ? { faults: new FaultInjector() } : {}),
    limits: { ...DEFAULT_LIMITS, maxBodyBytes: numberOr(env.MAX_BODY_BYTES, DEFAULT_LIMITS.maxBodyBytes) },
    adminToken: env.ADMIN_TOKEN,
    tenants: new KvTenantSettings(env.CONFIG, numberOr(env.AUTH_CACHE_TTL_S, 10) * 1000),
    auth: {
      mode: env.AUTH === "off" ? "off" : "on",
      keys: new KvKeyStore(env.CONFIG, numberOr(env.AUTH_CACHE_TTL_S, 10) * 1000),
      rateLimiter: new DoRateLimiter(env.RATELIMIT),
      defaultLimits: {
        requestsPerMinute: numberOr(env.RATE_LIMIT_RPM, DEFAULT_RATE_LIMITS.requestsPerMinute),
        tokensPerMinute: numberOr(env.RATE_LIMIT_TPM, DEFAULT_RATE_LIMITS.tokensPerMinute),
      },
    },
    ...(env.CACHE === "off"
      ? {}
      : {
          cache: {
            store: new DoCacheStore(env.SEMCACHE),
            hot: new HotAnswers(),
            // `CACHE_LOOKUP_ORDER=exact-first` keeps the exact lookup first whatever the traffic.
            ...(env.CACHE_LOOKUP_ORDER === "exact-first" ? {} : { order: new LookupOrder() }),
            settings: {
              ...DEFAULT_CACHE_SETTINGS,
              ttlMs: numberOr(env.CACHE_TTL_S, DEFAULT_CACHE_SETTINGS.ttlMs / 1000) * 1000,
              capacity: numberOr(env.CACHE_CAPACITY, DEFAULT_CACHE_SETTINGS.capacity),
              thresholdFloor: numberOr(env.CACHE_THRESHOLD, DEFAULT_CACHE_SETTINGS.thresholdFloor),
              embedderId: env.CACHE_EMBEDDER ?? DEFAULT_CACHE_SETTINGS.embedderId,
              verifier: env.CACHE_VERIFIER === "off" ? "off" : "rules",
            },
          },
        }),
    router,
  });
}

function numberOr(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
}

export default {
  fetch(request, env, ctx) {
    app ??= build(env);
    return app.fetch(request, env, ctx);
  },
  // A cron trigger keeps a PoP converging even when nobody calls `POST /admin/sync`.
  scheduled(_event, env, ctx) {
    app ??= build(env);
    if (sync) {
      ctx.waitUntil(sync.runOnce().then(() => undefined));
    }
  },
} satisfies ExportedHandler<Env>;
