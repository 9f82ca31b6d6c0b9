/**
 * @module
 * The edge sync agent, one per PoP. A round reads the change feed from the last sequence
 * number it applied (so a PoP that was offline catches up), and for every model whose
 * desired version for this PoP changed it pre-warms the new version — verified manifest,
 * missing chunks only, session built, golden input checked — reports `ready`, and only then
 * flips the PoP's catalog (one atomic write: blue-green at the PoP). The old session stays
 * loaded until the new version has served a grace period without errors, so a rollback
 * within it costs no cold start. Platform-neutral: the Worker, the Node PoP and the fleet
 * bench give it their own ports.
 *
 * A rollout with an A/B experiment keeps two versions loaded: the stable one (the control) as
 * the catalog's manifest, and the candidate — warmed and golden-checked the same way, `ready`
 * reported first — in the catalog's experiment slot, where the request path finds both arms.
 */
import type { Logger } from "../log.ts";
import { silentLogger } from "../log.ts";
import type { ModelManifest } from "../manifest/model-manifest.ts";
import type { ServedExperiment } from "../ports/model-catalog.ts";
import { desiredVersion } from "./cohort.ts";
import type { HealthRecorder } from "./health.ts";
import type { SketchRecorder } from "../monitoring/recorder.ts";
import type { Feed, ModelReport, ModelRollout, OutcomeReport, PopReport } from "./protocol.ts";
import type { PopMetrics } from "./pop-metrics.ts";

export interface ControlApi {
  feed(pop: string, since: number, waitMs: number): Promise<Feed>;
  report(report: PopReport): Promise<void>;
}

/** Where verified model versions come from (the registry, through the TUF client). */
export interface VersionSource {
  /** Called once per round that needs a new version: fresh signed metadata. */
  refresh(): Promise<void>;
  manifest(id: string, version: string): Promise<ModelManifest>;
  /** Makes every file of the manifest available to the engine, fetching only missing chunks. */
  ensureFiles(manifest: ModelManifest): Promise<void>;
}

/** Builds a version's session and checks its golden output; throws when the version is unfit. */
export interface Warmer {
  warm(manifest: ModelManifest): Promise<void>;
  /** Releases every other version of this model (the grace period is over). */
  release(manifest: ModelManifest): void;
  /** False when the old version holds nothing to release (a cache scorer): no grace period. Default true. */
  holdsSession?(manifest: ModelManifest): boolean;
}

export interface ServedCatalog {
  get(id: string): Promise<ModelManifest | undefined>;
  set(manifest: ModelManifest): Promise<void>;
  /** A catalog without an experiment slot serves the control only (experiments are skipped). */
  experiment?(id: string): Promise<ServedExperiment | undefined>;
  setExperiment?(id: string, served: ServedExperiment | undefined): Promise<void>;
}

export interface AgentState {
  seq: number;
  /** Highest rollout generation applied per model: a lower one is never applied. */
  generations: Record<string, number>;
  models: Record<string, Omit<ModelReport, "health">>;
  /** Cutovers still in their grace period. */
  flips: Record<string, { version: string; at: number }>;
}

export interface AgentStateStore {
  load(): Promise<AgentState | undefined>;
  save(state: AgentState): Promise<void>;
}

/** Where outcome counts come from (the edge's `outcomes` feedback sink). */
export interface OutcomeTallies {
  drain(): OutcomeReport[];
}

export interface SyncAgentOptions {
  pop: string;
  control: ControlApi;
  source: VersionSource;
  warmer: Warmer;
  catalog: ServedCatalog;
  health: HealthRecorder;
  /** Drift sketches of live traffic, drained into each report (docs/monitoring.md). */
  sketches?: SketchRecorder;
  /** Outcome feedback per model version, drained into each report. */
  outcomes?: OutcomeTallies;
  state: AgentStateStore;
  /** How long a new version must serve without errors before the old session is released. */
  graceMs?: number;
  now?: () => number;
  log?: Logger;
  /** The PoP's traffic counters, sent with every report. */
  metrics?: () => PopMetrics;
}

export interface RoundResult {
  seq: number;
  /** Models whose served version changed in this round. */
  switched: string[];
  failed: string[];
}

export class SyncAgent {
  readonly pop: string;
  private readonly o: Required<Omit<SyncAgentOptions, "log" | "sketches" | "outcomes" | "metrics">> &
    Pick<SyncAgentOptions, "sketches" | "outcomes" | "metrics"> & { log: Logger };
  private running: Promise<RoundResult> | undefined;

  constructor(options: SyncAgentOptions) {
    this.pop = options.pop;
    this.o = { graceMs: 30_000, now: () => Date.now(), log: silentLogger, ...options };
  }

  /** One round; concurrent callers share the round in progress (one cutover at a time per PoP). */
  runOnce(waitMs = 0): Promise<RoundResult> {
    this.running ??= this.round(waitMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(waitMs: number): Promise<RoundResult> {
    const state = (await this.o.state.load()) ?? { seq: 0, generations: {}, models: {}, flips: {} };
    const feed = await this.o.control.feed(this.pop, state.seq, waitMs);
    const result: RoundResult = { seq: state.seq, switched: [], failed: [] };
    let refreshed = false;
    for (const rollout of feed.rollouts) {
      const known = state.generations[rollout.model] ?? 0;
      if (rollout.generation < known) {
        // A rollout older than one applied here: a replayed or stale answer, never a way back.
        this.o.log.log("warn", "sync.stale_generation", {
          model: rollout.model,
          generation: rollout.generation,
          known,
        });
        continue;
      }
      const refresh = async () => {
        if (!refreshed) {
          await this.o.source.refresh();
          refreshed = true;
        }
      };
      const primary = await this.apply(rollout, state, refresh);
      const outcome =
        primary === "failed" ? primary : merge(primary, await this.applyExperiment(rollout, state, refresh));
      if (outcome === "switched") {
        result.switched.push(rollout.model);
      } else if (outcome === "failed") {
        result.failed.push(rollout.model);
      }
    }
    // A failed model is retried next round: the feed is read again from the same point.
    if (result.failed.length === 0) {
      state.seq = Math.max(state.seq, feed.seq);
    }
    result.seq = state.seq;
    await this.releaseAfterGrace(state);
    await this.o.state.save(state);
    await this.o.control.report(this.report(state));
    return result;
  }

  private async apply(
    rollout: ModelRollout,
    state: AgentState,
    refresh: () => Promise<void>,
  ): Promise<"switched" | "unchanged" | "failed"> {
    const model = rollout.model;
    const desired = desiredVersion(rollout, this.pop);
    const served = await this.o.catalog.get(model);
    if (desired === undefined || served?.version === desired) {
      state.generations[model] = rollout.generation;
      state.models[model] = {
        model,
        generation: rollout.generation,
        ...(desired === undefined ? {} : { desired }),
        ...(served ? { served: served.version } : {}),
        state: "serving",
      };
      return "unchanged";
    }
    const base = { model, generation: rollout.generation, desired, ...(served ? { served: served.version } : {}) };
    const manifest = await this.prewarm(desired, base, state, refresh);
    if (!manifest) {
      return "failed";
    }
    await this.o.catalog.set(manifest);
    this.o.health.reset(model, desired);
    state.generations[model] = rollout.generation;
    if (this.o.warmer.holdsSession?.(manifest) ?? true) {
      state.flips[model] = { version: desired, at: this.o.now() };
    }
    state.models[model] = { ...base, served: desired, state: "serving" };
    this.o.log.log("info", "sync.cutover", { model, from: served?.version, to: desired });
    return "switched";
  }

  /** Brings the catalog's experiment slot to the rollout's experiment (or empties it). */
  private async applyExperiment(
    rollout: ModelRollout,
    state: AgentState,
    refresh: () => Promise<void>,
  ): Promise<"switched" | "unchanged" | "failed"> {
    const { catalog } = this.o;
    if (!catalog.experiment || !catalog.setExperiment) {
      return "unchanged";
    }
    const model = rollout.model;
    const wanted = rollout.experiment;
    const running = await catalog.experiment(model);
    const base = state.models[model];
    if (!base) {
      return "unchanged";
    }
    const { candidate: _was, ...report } = base;
    if (!wanted) {
      state.models[model] = report;
      if (!running) {
        return "unchanged";
      }
      await catalog.setExperiment(model, undefined);
      // The candidate's session is released once the version left serving has had its grace period.
      if (report.served !== undefined) {
        state.flips[model] = { version: report.served, at: this.o.now() };
      }
      this.o.log.log("info", "sync.experiment_ended", { model, id: running.experiment.id });
      return "switched";
    }
    const experiment = { ...wanted, model };
    if (running && sameExperiment(running, experiment)) {
      state.models[model] = { ...report, candidate: wanted.candidate };
      return "unchanged";
    }
    const candidate = await this.prewarm(wanted.candidate, report, state, refresh);
    if (!candidate) {
      return "failed";
    }
    if (running?.experiment.id !== wanted.id) {
      // Each arm's health counts from the experiment's start here.
      this.o.health.reset(model, wanted.control);
      this.o.health.reset(model, wanted.candidate);
    }
    await catalog.setExperiment(model, { experiment, candidate });
    state.models[model] = { ...report, candidate: wanted.candidate, state: "serving" };
    this.o.log.log("info", "sync.experiment_started", { model, id: wanted.id, candidate: wanted.candidate });
    return "switched";
  }

  /**
   * Pre-warms one version of `entry.model` — verified manifest, missing chunks only, session built,
   * golden input checked — reporting `warming`, then `ready` to the control plane before any
   * request can reach it; on failure the model's report says `failed` and why (undefined).
   */
  private async prewarm(
    version: string,
    entry: Omit<ModelReport, "health" | "state" | "error">,
    state: AgentState,
    refresh: () => Promise<void>,
  ): Promise<ModelManifest | undefined> {
    const model = entry.model;
    state.models[model] = { ...entry, state: "warming" };
    let manifest: ModelManifest;
    try {
      await refresh();
      manifest = await this.o.source.manifest(model, version);
      await this.o.source.ensureFiles(manifest);
      await this.o.warmer.warm(manifest);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      state.models[model] = { ...entry, state: "failed", error: message.slice(0, 500) };
      this.o.log.log("error", "sync.prewarm_failed", { model, version, error: message });
      return undefined;
    }
    state.models[model] = { ...entry, state: "ready" };
    await this.o.control.report(this.report(state));
    return manifest;
  }

  private async releaseAfterGrace(state: AgentState): Promise<void> {
    for (const [model, flip] of Object.entries(state.flips)) {
      if (this.o.now() - flip.at < this.o.graceMs || (await this.o.catalog.experiment?.(model))) {
        // Within its grace period, or both arms of an experiment must stay loaded.
        continue;
      }
      const health = this.o.health.of(model).find((h) => h.version === flip.version);
      const served = await this.o.catalog.get(model);
      if (served?.version !== flip.version) {
        delete state.flips[model];
      } else if (health && health.requests > 0 && health.errors === 0) {
        this.o.warmer.release(served);
        delete state.flips[model];
      }
    }
  }

  private report(state: AgentState): PopReport {
    return {
      pop: this.pop,
      seq: state.seq,
      models: Object.values(state.models).map((m) => ({ ...m, health: this.o.health.of(m.model) })),
      ...(this.o.metrics ? { metrics: this.o.metrics() } : {}),
      ...this.sketchesField(),
    };
  }

  /** Closed windows only: an open window would be reported twice, half in each report. */
  private sketchesField(): Pick<PopReport, "sketches" | "outcomes"> {
    const sketches = this.o.sketches?.drain() ?? [];
    const outcomes = this.o.outcomes?.drain() ?? [];
    return {
      ...(sketches.length > 0 ? { sketches: sketches.slice(0, 1000) } : {}),
      ...(outcomes.length > 0 ? { outcomes: outcomes.slice(0, 1000) } : {}),
    };
  }
}

function merge(
  a: "switched" | "unchanged",
  b: "switched" | "unchanged" | "failed",
): "switched" | "unchanged" | "failed" {
  return b === "unchanged" ? a : b;
}

function sameExperiment(running: ServedExperiment, wanted: ServedExperiment["experiment"]): boolean {
  const r = running.experiment;
  return (
    r.id === wanted.id &&
    r.candidate === wanted.candidate &&
    r.control === wanted.control &&
    r.percent === wanted.percent &&
    r.split_by === wanted.split_by &&
    running.candidate.version === wanted.candidate
  );
}
