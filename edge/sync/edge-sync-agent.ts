/**
 * @module
 * The edge's sync agent, for the Worker and the Node PoP alike: feed and reports to the control
 * plane, versions from the registry mounted there (`/registry`), verified by a TUF client
 * anchored on the trusted root the PoP was deployed with, chunks and files in the PoP's blob
 * store. The platform supplies where the agent's state and the TUF client's trusted metadata
 * live: the Worker keeps the state in its catalog Durable Object and the metadata in the isolate
 * (a new isolate walks again from the deployed root; a rollout's generation, in the Durable
 * Object, is what never goes backwards across isolates); the Node PoP keeps the metadata on
 * disk. Cache scorers (task `cache-scorer`) are checked and installed as their tenant's scorer
 * instead of loaded.
 */
import type { ModelEngine } from "../../shared/engine/model-engine.ts";
import type { Logger } from "../../shared/log.ts";
import type { BlobStore } from "../../shared/ports/blob-store.ts";
import type { NamedStore } from "../../shared/ports/named-store.ts";
import { ModelClient } from "../../shared/registry/model-client.ts";
import { type AgentStateStore, type OutcomeTallies, type RoundResult, SyncAgent } from "../../shared/sync/agent.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import { EngineWarmer } from "../../shared/sync/engine-warmer.ts";
import type { HealthRecorder } from "../../shared/sync/health.ts";
import type { SketchRecorder } from "../../shared/monitoring/recorder.ts";
import type { PopMetrics } from "../../shared/sync/pop-metrics.ts";
import { RegistrySource } from "../../shared/sync/registry-source.ts";
import { TufClient } from "../../shared/tuf/client.ts";
import type { WritableModelCatalog } from "../deps.ts";
import type { TenantScorers } from "../cache/tenant-scorers.ts";
import { ScorerAwareWarmer, ScorerInstallingCatalog } from "../cache/scorer-rollout.ts";

/** Where a PoP's sync agent keeps what it must remember. */
export interface SyncStores {
  /** The agent's progress (feed position, generations, cutovers in their grace period). */
  agentState: AgentStateStore;
  /** The TUF client's trusted metadata (the rollback floor). */
  tufMetadata: NamedStore;
}

export interface EdgeSyncOptions {
  pop: string;
  controlUrl: string;
  token: string | undefined;
  trustedRoot: string;
  graceMs: number;
  stores: SyncStores;
  blobs: BlobStore;
  engine: ModelEngine;
  catalog: WritableModelCatalog;
  /** Where rolled-out cache scorers are installed. */
  cacheScorers: TenantScorers;
  health: HealthRecorder;
  sketches?: SketchRecorder;
  outcomes?: OutcomeTallies;
  log: Logger;
  metrics?: () => PopMetrics;
}

export interface EdgeSync {
  runOnce(waitMs?: number): Promise<RoundResult>;
}

/** The agent, built on first use (trusting the root is asynchronous); a failed build is retried next round. */
export function edgeSync(o: EdgeSyncOptions): EdgeSync {
  let agent: Promise<SyncAgent> | undefined;
  const build = async (): Promise<SyncAgent> => {
    const base = o.controlUrl.replace(/\/$/, "");
    const store = o.stores.tufMetadata;
    // The deployed root anchors trust on every start; metadata trusted earlier stays as the rollback floor.
    await TufClient.trust(store, new TextEncoder().encode(o.trustedRoot));
    const tuf = new TufClient({
      metadataUrl: `${base}/registry/metadata/`,
      targetsUrl: `${base}/registry/targets/`,
      store,
    });
    const client = new ModelClient({ tuf, chunksUrl: `${base}/registry/chunks/`, chunkStore: o.blobs });
    return new SyncAgent({
      pop: o.pop,
      control: new ControlClient(base, o.token),
      source: new RegistrySource(tuf, client, o.blobs),
      warmer: new ScorerAwareWarmer(new EngineWarmer(o.engine), o.blobs),
      catalog: new ScorerInstallingCatalog(o.catalog, o.blobs, o.cacheScorers),
      health: o.health,
      ...(o.sketches ? { sketches: o.sketches } : {}),
      ...(o.outcomes ? { outcomes: o.outcomes } : {}),
      state: o.stores.agentState,
      graceMs: o.graceMs,
      log: o.log,
      ...(o.metrics ? { metrics: o.metrics } : {}),
    });
  };
  return {
    async runOnce(waitMs = 0) {
      agent ??= build().catch((error: unknown) => {
        agent = undefined;
        throw error;
      });
      return (await agent).runOnce(waitMs);
    },
  };
}
