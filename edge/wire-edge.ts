/**
 * @module
 * The one place the edge is wired: from the parsed configuration and what the platform provides
 * (stores, the inference runtime, the rate limiter…) to `EdgeDeps` — router, sync agent, health,
 * drift sketches, outcomes, metrics, cache (hot answers, lookup order, feedback), auth, tenants,
 * limits, faults. The Worker (`edge/worker/index.ts`) and the Node PoP (`edge/node/node-pop.ts`)
 * only build their platform and call `wireEdge`, so both run the same edge.
 */
import { ModelEngine } from "../shared/engine/model-engine.ts";
import type { OrtRuntime } from "../shared/engine/ort-runtime.ts";
import type { Logger } from "../shared/log.ts";
import type { BlobStore } from "../shared/ports/blob-store.ts";
import type { CacheStore } from "../shared/cache/cache-store.ts";
import { HealthRecorder } from "../shared/sync/health.ts";
import { SketchRecorder } from "../shared/monitoring/recorder.ts";
import { PopMetricsRecorder } from "../shared/sync/pop-metrics-recorder.ts";
import type { EdgeConfig } from "./config.ts";
import { DEFAULT_LIMITS, type EdgeDeps, type WritableModelCatalog } from "./deps.ts";
import type { ApiKeyStore } from "./auth/key-store.ts";
import type { TenantSettingsStore } from "./auth/tenant-settings.ts";
import type { RateLimiter } from "./auth/rate-limiter.ts";
import { DEFAULT_CACHE_SETTINGS, type EdgeCache } from "./cache/cache-settings.ts";
import { HotAnswers } from "./cache/hot-answers.ts";
import { LookupOrder } from "./cache/lookup-order.ts";
import { CacheFeedbackSink, shipToControl } from "./cache/cache-feedback.ts";
import type { TenantScorers } from "./cache/tenant-scorers.ts";
import { OutcomeSink } from "./monitoring/outcome-sink.ts";
import { FaultInjector } from "./faults.ts";
import { routerFromConfig } from "./router/router-from-config.ts";
import { edgeSync, type SyncStores } from "./sync/edge-sync-agent.ts";

/** What a runtime provides; everything else the edge builds itself from the configuration. */
export interface EdgePlatform {
  log: Logger;
  /** Model files by sha256 (R2, or a directory). */
  blobs: BlobStore;
  catalog: WritableModelCatalog;
  /** onnxruntime for this runtime (ort-web in workerd, onnxruntime-node). */
  runtime: OrtRuntime;
  keys: ApiKeyStore;
  tenants: TenantSettingsStore;
  /** Absent: no rate limiting. */
  rateLimiter?: RateLimiter;
  /** The response cache's store; used only when the configuration turns the cache on. */
  cacheStore: CacheStore;
  cacheScorers: TenantScorers;
  /** Where the sync agent keeps its state; used only when a control plane and trusted root are configured. */
  syncStores: () => SyncStores;
}

export function wireEdge(config: EdgeConfig, platform: EdgePlatform): EdgeDeps {
  const { log, blobs, catalog, cacheScorers } = platform;
  const engine = new ModelEngine({ runtime: platform.runtime, blobs, budgetBytes: config.memoryBudgetBytes, log });
  const health = new HealthRecorder();
  const sketches = new SketchRecorder({ windowMs: config.monitoringWindowMs });
  const outcomes = new OutcomeSink();
  const metrics = new PopMetricsRecorder();
  const router = routerFromConfig(config.origins, config.aws, log);
  const control = config.control;
  const sync =
    control?.trustedRoot === undefined
      ? undefined
      : edgeSync({
          pop: config.pop,
          controlUrl: control.url,
          token: control.token,
          trustedRoot: control.trustedRoot,
          graceMs: control.graceMs,
          stores: platform.syncStores(),
          blobs,
          engine,
          catalog,
          cacheScorers,
          health,
          sketches,
          outcomes,
          log,
          metrics: () => metrics.snapshot(router?.originStates() ?? []),
        });
  // The learning cache: scored semantic hits wait for feedback, which goes to the control plane's retraining.
  const cacheFeedback = control
    ? new CacheFeedbackSink({
        ship: shipToControl(control.url, control.token),
        // A wrong hit of a rolled-out scorer is an error of that scorer version: the canary gate sees it.
        onWrongHit: (release) => health.markError(release.model, release.version),
      })
    : undefined;
  return {
    pop: config.pop,
    log,
    blobs,
    catalog,
    engine,
    health,
    sketches,
    outcomes,
    metrics,
    cacheScorers,
    ...(cacheFeedback ? { cacheFeedback } : {}),
    feedbackSinks: cacheFeedback ? [outcomes, cacheFeedback] : [outcomes],
    ...(sync ? { sync } : {}),
    ...(config.faults ? { faults: new FaultInjector() } : {}),
    limits: { ...DEFAULT_LIMITS, maxBodyBytes: config.maxBodyBytes },
    adminToken: config.adminToken,
    tenants: platform.tenants,
    auth: {
      mode: config.auth.mode,
      keys: platform.keys,
      ...(platform.rateLimiter ? { rateLimiter: platform.rateLimiter } : {}),
      defaultLimits: config.auth.defaultLimits,
    },
    ...(config.cache ? { cache: edgeCache(config.cache, platform.cacheStore) } : {}),
    ...(router ? { router } : {}),
  };
}

function edgeCache(c: NonNullable<EdgeConfig["cache"]>, store: CacheStore): EdgeCache {
  return {
    store,
    hot: new HotAnswers(),
    // `exact-first` keeps the exact lookup first whatever the traffic.
    ...(c.lookupOrder === "exact-first" ? {} : { order: new LookupOrder() }),
    settings: {
      ...DEFAULT_CACHE_SETTINGS,
      ttlMs: c.ttlMs,
      capacity: c.capacity,
      thresholdFloor: c.thresholdFloor,
      embedderId: c.embedderId,
      verifier: c.verifier,
    },
  };
}
