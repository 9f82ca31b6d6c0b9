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
import type { ModelCatalog } from "../shared/ports/model-catalog.ts";
import type { EdgeCache } from "./cache/cache-settings.ts";
import type { OriginRouter } from "./router/router.ts";
import type { HealthRecorder } from "../shared/sync/health.ts";
import type { RoundResult } from "../shared/sync/agent.ts";
import type { FaultInjector } from "./faults.ts";

/** The catalog as the operator's admin API changes it. */
export interface WritableModelCatalog extends ModelCatalog {
  set(manifest: ModelManifest): Promise<void>;
  remove(id: string): Promise<boolean>;
}

export interface EdgeLimits {
  /** Largest request body accepted (413 beyond it). */
  maxBodyBytes: number;
  /** Largest blob the admin API accepts. */
  maxBlobBytes: number;
}

export interface EdgeDeps {
  /** `edge/<pop>` in `x-edgefleet-served-by`. */
  pop: string;
  catalog: WritableModelCatalog;
  blobs: BlobStore;
  engine: ModelEngine;
  log: Logger;
  limits: EdgeLimits;
  /** Bearer token for `/admin/*`; admin routes are off when it is unset. */
  adminToken: string | undefined;
  /** The response cache; absent means every answer says `x-edgefleet-cache: bypass`. */
  cache?: EdgeCache;
  /** Sends what this edge cannot (or should not) answer to origins; absent when no origin table is configured. */
  router?: OriginRouter;
  /** Per model version requests, errors and latency, which the sync agent reports for the health gate. */
  health?: HealthRecorder;
  /** The sync agent (`POST /admin/sync` runs one round); absent when no control plane is configured. */
  sync?: { runOnce(waitMs?: number): Promise<RoundResult> };
  /** Operator-injected faults (`PUT /admin/faults/:model`); absent turns the route off. */
  faults?: FaultInjector;
}

export const DEFAULT_LIMITS: EdgeLimits = { maxBodyBytes: 8 * 2 ** 20, maxBlobBytes: 64 * 2 ** 20 };
