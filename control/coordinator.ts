/**
 * @module
 * The sync coordinator: holds the desired state (per model, the stable version and an
 * optional canary with its percentage), numbers every change in one sequence, answers the
 * change feed, takes the PoPs' reports and rolls a canary back by itself when a canary PoP
 * breaches the health gate. Platform-neutral: state goes through a `ControlStore` (a file on
 * Node, Durable Object storage on Workers). Changes are serialised through one queue, so two
 * operators (or an operator and the gate) never lose each other's update.
 */
import { ApiError } from "../shared/errors.ts";
import { inCanary } from "../shared/sync/cohort.ts";
import {
  type Feed,
  type Gate,
  GateSchema,
  type ModelRollout,
  type PopReport,
  type RolloutRequest,
  type Status,
} from "../shared/sync/protocol.ts";
import type { ControlState, ControlStore } from "./control-store.ts";
import type { DriftService } from "./monitoring/drift-service.ts";
import { ExperimentSchema } from "../shared/monitoring/experiment.ts";
import type { ExperimentStart, ExperimentStatus, ExperimentStop } from "../shared/sync/experiment-api.ts";
import {
  assertNoExperiment,
  experimentId,
  experimentStatus,
  markStopped,
  recordOf,
  startIn,
  stopIn,
  tallyIn,
} from "./experiments.ts";
import { advanceRollout, pushHistory } from "./rollout-change.ts";

export interface CoordinatorOptions {
  store: ControlStore;
  /** True when the signed registry lists this model version (nothing unpublished is rolled out). */
  versionExists: (model: string, version: string) => Promise<boolean>;
  gate?: Partial<Gate>;
  now?: () => number;
  /** Drift monitoring of the reports' sketches; a canary drifting past its threshold breaches the gate. */
  drift?: DriftService;
}

const DEFAULT_CANARY_PERCENT = 10;

export class Coordinator {
  private readonly o: CoordinatorOptions;
  private readonly now: () => number;
  private state: Promise<ControlState>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(rollout: ModelRollout) => void>();

  constructor(options: CoordinatorOptions) {
    this.o = options;
    this.now = options.now ?? (() => Date.now());
    this.state = options.store.load().then(
      (s) =>
        s ?? {
          seq: 0,
          rollouts: {},
          history: {},
          gate: GateSchema.parse(options.gate ?? {}),
          pops: {},
          experiments: {},
        },
    );
  }

  async rollout(req: RolloutRequest): Promise<ModelRollout> {
    await this.requirePublished(req.model, req.version);
    return this.change((s) => {
      assertNoExperiment(s, req.model);
      const current = s.rollouts[req.model];
      if (req.channel === "stable") {
        const canary = current?.canary?.version === req.version ? undefined : current?.canary;
        if (current?.stable !== undefined && current.stable !== req.version) {
          pushHistory(s, req.model, current.stable);
        }
        return advanceRollout(s, req.model, { stable: req.version, ...(canary ? { canary } : {}) }, "rollout");
      }
      if (current?.stable === undefined) {
        throw new ApiError(409, "no_stable_version", `Roll ${req.model} out to the stable channel before a canary.`);
      }
      const percent = req.percent ?? DEFAULT_CANARY_PERCENT;
      return advanceRollout(
        s,
        req.model,
        { stable: current.stable, canary: { version: req.version, percent } },
        "rollout",
      );
    });
  }

  promote(model: string): Promise<ModelRollout> {
    return this.change((s) => {
      const current = s.rollouts[model];
      if (!current?.canary) {
        throw new ApiError(409, "no_canary", `${model} has no canary to promote.`);
      }
      if (current.stable !== undefined) {
        pushHistory(s, model, current.stable);
      }
      return advanceRollout(s, model, { stable: current.canary.version }, "promote");
    });
  }

  rollback(model: string, reason: "rollback" | "auto-rollback" = "rollback", note?: string): Promise<ModelRollout> {
    return this.change((s) => this.rollbackIn(s, model, reason, note));
  }

  /** Starts an A/B experiment between two published versions (docs/monitoring.md, "A/B experiments"). */
  async startExperiment(req: ExperimentStart): Promise<ExperimentStatus> {
    const now = this.now();
    const experiment = ExperimentSchema.parse({ ...req, id: req.id ?? experimentId(req.model, now) });
    await this.requirePublished(experiment.model, experiment.control, "control");
    await this.requirePublished(experiment.model, experiment.candidate, "candidate");
    await this.change((s) => startIn(s, experiment, now));
    return this.experiment(experiment.id);
  }

  /** Stops an experiment; the kept arm (default the control) is the model's stable version from then on. */
  async stopExperiment(id: string, stop: ExperimentStop): Promise<ExperimentStatus> {
    await this.change((s) => stopIn(s, id, stop.keep ?? "control", this.now()));
    return this.experiment(id);
  }

  async experiment(id: string): Promise<ExperimentStatus> {
    const s = await this.state;
    return experimentStatus(s, recordOf(s, id), this.armSources());
  }

  async experiments(): Promise<ExperimentStatus[]> {
    const s = await this.state;
    return Object.values(s.experiments)
      .toSorted((a, b) => b.started_at - a.started_at)
      .map((r) => experimentStatus(s, r, this.armSources()));
  }

  /** A PoP's report: stored for `status`, then checked against the gate. */
  async report(report: PopReport): Promise<void> {
    await this.o.drift?.ingest(report);
    await this.change((s) => {
      s.pops[report.pop] = { seen_at: this.now(), report };
      tallyIn(s, report);
      return this.gateBreach(s, report);
    });
  }

  /** Every rollout changed after `since`; waits up to `waitMs` for one when there is none yet (long poll). */
  async feed(since: number, waitMs: number): Promise<Feed> {
    const now = this.collect(await this.state, since);
    if (now.rollouts.length > 0 || waitMs <= 0) {
      return now;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.listeners.add(done);
    });
    return this.collect(await this.state, since);
  }

  /** Calls `listener` with every change from now on (SSE); returns the unsubscribe. */
  subscribe(listener: (rollout: ModelRollout) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Long polls and streams waiting for the next change (benches wait for the fleet to be listening). */
  get waiting(): number {
    return this.listeners.size;
  }

  async status(): Promise<Status> {
    const s = await this.state;
    return {
      seq: s.seq,
      gate: s.gate,
      rollouts: Object.values(s.rollouts),
      pops: Object.values(s.pops)
        .map(({ seen_at, report }) => ({
          pop: report.pop,
          seen_at,
          seq: report.seq,
          canary: Object.values(s.rollouts).some(
            (r) => r.canary !== undefined && inCanary(report.pop, r.canary.percent),
          ),
          models: report.models,
          ...(report.metrics ? { metrics: report.metrics } : {}),
        }))
        .toSorted((a, b) => a.pop.localeCompare(b.pop)),
    };
  }

  /** 404 `version_not_published` unless the signed registry has this version (`param`: the field that named it). */
  private async requirePublished(model: string, version: string, param?: string): Promise<void> {
    if (!(await this.o.versionExists(model, version))) {
      throw new ApiError(
        404,
        "version_not_published",
        `${model}@${version} is not in the signed registry.`,
        param === undefined ? {} : { param },
      );
    }
  }

  private armSources() {
    const drift = this.o.drift;
    return drift ? { drift: (model: string, version: string) => drift.score(model, version) } : {};
  }

  private collect(s: ControlState, since: number): Feed {
    return { seq: s.seq, rollouts: Object.values(s.rollouts).filter((r) => r.seq > since) };
  }

  /**
   * Runs one mutation at a time, then persists the state; a returned rollout is announced to
   * the feed. Mutations check everything before they change anything, so a refused command
   * leaves the state as it was.
   */
  private change<T extends ModelRollout | undefined>(mutation: (state: ControlState) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const s = await this.state;
      const rollout = mutation(s);
      await this.o.store.save(s);
      if (rollout) {
        // Deleting the current entry while iterating a Set is safe (long polls unsubscribe here).
        for (const listener of this.listeners) {
          listener(rollout);
        }
      }
      return rollout;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private rollbackIn(
    s: ControlState,
    model: string,
    reason: "rollback" | "auto-rollback",
    note?: string,
  ): ModelRollout {
    const current = s.rollouts[model];
    const running = current?.experiment;
    if (running) {
      // Rolling back under an experiment ends it on its control (the version that was stable).
      markStopped(s, running.id, "control", this.now());
    }
    if (running || current?.canary) {
      // Leaving the canary or the experiment: its PoPs go back to the stable version's artifacts.
      return advanceRollout(s, model, current?.stable === undefined ? {} : { stable: current.stable }, reason, note);
    }
    const previous = s.history[model]?.pop();
    if (previous === undefined) {
      throw new ApiError(409, "nothing_to_roll_back", `${model} has no earlier version to go back to.`);
    }
    return advanceRollout(s, model, { stable: previous }, reason, note);
  }

  private gateBreach(s: ControlState, report: PopReport): ModelRollout | undefined {
    for (const m of report.models) {
      const canary = s.rollouts[m.model]?.canary;
      if (!canary || !inCanary(report.pop, canary.percent)) {
        continue;
      }
      const h = m.health.find((x) => x.version === canary.version);
      const drifted = this.o.drift?.breach(m.model, canary.version);
      if (drifted) {
        return this.rollbackIn(s, m.model, "auto-rollback", `${canary.version}: ${drifted}`);
      }
      if (!h || h.requests < s.gate.min_requests) {
        continue;
      }
      const rate = h.errors / h.requests;
      const why =
        rate > s.gate.max_error_rate
          ? `error rate ${(rate * 100).toFixed(1)}% on ${report.pop} > ${(s.gate.max_error_rate * 100).toFixed(1)}%`
          : h.p95_ms !== null && h.p95_ms > s.gate.max_p95_ms
            ? `p95 ${h.p95_ms.toFixed(0)} ms on ${report.pop} > ${s.gate.max_p95_ms} ms`
            : undefined;
      if (why) {
        return this.rollbackIn(s, m.model, "auto-rollback", `${canary.version}: ${why}`);
      }
    }
    return undefined;
  }
}
