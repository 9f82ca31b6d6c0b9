/**
 * @module
 * The sync agent inside the Worker: feed and reports to `CONTROL_URL`, versions from the
 * registry mounted there (`/registry`), verified by a TUF client anchored on `TRUSTED_ROOT`
 * (the root.json the PoP was deployed with), chunks and files in the PoP's R2 bucket, the
 * agent's state in the PoP's catalog Durable Object. The TUF client's trusted metadata lives
 * in the isolate: a new isolate walks again from the deployed root (a rollout's generation,
 * kept in the Durable Object, is what never goes backwards across isolates). Cache scorers
 * (task `cache-scorer`) are checked and installed as their tenant's scorer instead of loaded.
 */
import type { ModelEngine } from "../../shared/engine/model-engine.ts";
import type { Logger } from "../../shared/log.ts";
import type { BlobStore } from "../../shared/ports/blob-store.ts";
import { ModelClient } from "../../shared/registry/model-client.ts";
import { MemoryNamedStore } from "../../shared/storage/memory-named-store.ts";
import { type AgentState, type AgentStateStore, type RoundResult, SyncAgent } from "../../shared/sync/agent.ts";
import { AgentStateSchema } from "../../shared/sync/agent-state.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import { EngineWarmer } from "../../shared/sync/engine-warmer.ts";
import type { HealthRecorder } from "../../shared/sync/health.ts";
import type { OutcomeTallies } from "../../shared/sync/agent.ts";
import type { SketchRecorder } from "../../shared/monitoring/recorder.ts";
import type { PopMetrics } from "../../shared/sync/pop-metrics.ts";
import { RegistrySource } from "../../shared/sync/registry-source.ts";
import { TufClient } from "../../shared/tuf/client.ts";
import type { WritableModelCatalog } from "../deps.ts";
import type { ModelCatalogDO } from "./objects/catalog-object.ts";
import type { TenantScorers } from "../cache/tenant-scorers.ts";
import { ScorerAwareWarmer, ScorerInstallingCatalog } from "../cache/scorer-rollout.ts";

export interface WorkerSyncOptions {
  pop: string;
  controlUrl: string;
  token: string | undefined;
  trustedRoot: string;
  graceMs: number;
  blobs: BlobStore;
  engine: ModelEngine;
  catalog: WritableModelCatalog;
  /** Where rolled-out cache scorers are installed. */
  cacheScorers: TenantScorers;
  health: HealthRecorder;
  sketches?: SketchRecorder;
  outcomes?: OutcomeTallies;
  stub: () => DurableObjectStub<ModelCatalogDO>;
  log: Logger;
  metrics?: () => PopMetrics;
}

class DoAgentState implements AgentStateStore {
  private readonly stub: () => DurableObjectStub<ModelCatalogDO>;
  constructor(stub: () => DurableObjectStub<ModelCatalogDO>) {
    this.stub = stub;
  }
  async load(): Promise<AgentState | undefined> {
    const text = await this.stub().syncState();
    return text === null ? undefined : AgentStateSchema.parse(JSON.parse(text));
  }
  async save(state: AgentState): Promise<void> {
    await this.stub().setSyncState(JSON.stringify(state));
  }
}

/** The agent, built on first use (trusting the root is asynchronous). */
export function workerSync(o: WorkerSyncOptions): { runOnce(waitMs?: number): Promise<RoundResult> } {
  let agent: Promise<SyncAgent> | undefined;
  const build = async (): Promise<SyncAgent> => {
    const base = o.controlUrl.replace(/\/$/, "");
    const store = new MemoryNamedStore();
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
      state: new DoAgentState(o.stub),
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
