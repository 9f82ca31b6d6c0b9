/**
 * @module
 * What the edge app needs from its platform. The Worker entry builds these from bindings
 * (R2, Durable Objects, ort-web); the self-hosted Node PoP from the filesystem and
 * onnxruntime-node. The app itself never touches a platform API.
 */
import type { ModelEngine } from "../shared/engine/model-engine.ts";
import type { Logger } from "../shared/log.ts";
import type { ModelManifest } from "../shared/manifest/model-manifest.ts";
import type { BlobStore } from "../shared/ports/blob-store.ts";
import type { ModelCatalog, ServedExperiment } from "../shared/ports/model-catalog.ts";
import type { Auditor } from "../shared/audit.ts";
import type { ApiKeyStore } from "./auth/key-store.ts";
import type { TenantSettingsStore } from "./auth/tenant-settings.ts";
import type { RateLimiter } from "./auth/rate-limiter.ts";
import type { BucketLimits } from "./auth/token-bucket.ts";
import type { EdgeCache } from "./cache/cache-settings.ts";
import type { OriginRouter } from "./router/router.ts";
import type { HealthRecorder } from "../shared/sync/health.ts";
import type { SketchRecorder } from "../shared/monitoring/recorder.ts";
import type { OutcomeSink } from "./monitoring/outcome-sink.ts";
import type { PopMetricsRecorder } from "../shared/sync/pop-metrics-recorder.ts";
import type { RoundResult } from "../shared/sync/agent.ts";
import type { FaultInjector } from "./faults.ts";
import type { CacheFeedbackSink } from "./cache/cache-feedback.ts";
import type { TenantScorers } from "./cache/tenant-scorers.ts";
import type { FeedbackSink } from "./feedback/feedback-sink.ts";

/** The catalog as the operator's admin API changes it. */
export interface WritableModelCatalog extends ModelCatalog {
  set(manifest: ModelManifest): Promise<void>;
  remove(id: string): Promise<boolean>;
  /** Starts (or, with undefined, ends) the model's A/B experiment at this node. */
  setExperiment?(id: string, served: ServedExperiment | undefined): Promise<void>;
}

export interface EdgeLimits {
  /** Largest request body accepted (413 beyond it). */
  maxBodyBytes: number;
  /** Largest blob the admin API accepts. */
  maxBlobBytes: number;
}

export interface EdgeAuth {
  /**
   * `on` (the default everywhere but local development): `/v1/*` needs an API key with scope
   * `infer`. `off`: `/v1/*` is open and the cache tenant is derived from whatever bearer
   * credential is sent — for local development only. `/admin/*` always needs a credential.
   */
  mode: "on" | "off";
  keys: ApiKeyStore;
  /** Absent: no rate limiting (local development, tests that are not about it). */
  rateLimiter?: RateLimiter;
  /** Per-key limits when the key record names none. */
  defaultLimits: BucketLimits;
}

export const DEFAULT_RATE_LIMITS: BucketLimits = { requestsPerMinute: 600, tokensPerMinute: 200_000 };

export interface EdgeDeps {
  /** `edge/<pop>` in `x-edgefleet-served-by`. */
  pop: string;
  catalog: WritableModelCatalog;
  blobs: BlobStore;
  engine: ModelEngine;
  log: Logger;
  limits: EdgeLimits;
  /** Bootstrap credential for `/admin/*` (scopes admin and publish), besides API keys with scope `admin`. */
  adminToken: string | undefined;
  auth: EdgeAuth;
  /** The audit log of operator actions; the structured log when absent. */
  audit?: Auditor;
  /** Per-tenant settings (the cache verifier choice); absent: the node's defaults for everyone. */
  tenants?: TenantSettingsStore;
  /** The response cache; absent means every answer says `x-edgefleet-cache: bypass`. */
  cache?: EdgeCache;
  /** Sends what this edge cannot (or should not) answer to origins; absent when no origin table is configured. */
  router?: OriginRouter;
  /** Per model version requests, errors and latency, which the sync agent reports for the health gate. */
  health?: HealthRecorder;
  /** Drift sketches of live traffic per model version and window, shipped with sync reports. */
  sketches?: SketchRecorder;
  /** Remembers answers for outcome feedback (the `outcomes` sink, also listed in feedbackSinks). */
  outcomes?: OutcomeSink;
  /** Traffic counters the sync agent sends to the control plane (`edge/metrics/record-metrics.ts`). */
  metrics?: PopMetricsRecorder;
  /** The sync agent (`POST /admin/sync` runs one round); absent when no control plane is configured. */
  sync?: { runOnce(waitMs?: number): Promise<RoundResult> };
  /** Operator-injected faults (`PUT /admin/faults/:model`); absent turns the route off. */
  faults?: FaultInjector;
  /** Consumers of `POST /v1/feedback` (outcome monitoring, the learning cache); none: every feedback is a 404. */
  feedbackSinks?: FeedbackSink[];
  /** Per-tenant tuned pair scorers of the semantic cache; absent: the untuned default (cosine + verifier) for all. */
  cacheScorers?: TenantScorers;
  /** Records scored semantic hits so feedback can turn them into training examples (also listed in `feedbackSinks`). */
  cacheFeedback?: CacheFeedbackSink;
}

export const DEFAULT_LIMITS: EdgeLimits = { maxBodyBytes: 8 * 2 ** 20, maxBlobBytes: 64 * 2 ** 20 };
