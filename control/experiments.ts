/**
 * @module
 * A/B experiments in the control plane's state. Starting one makes its control the model's
 * stable version and puts the experiment on the model's rollout, so it reaches every PoP on the
 * change feed like any rollout (a new generation); stopping it leaves one version stable. One
 * experiment per model at a time, and never together with a canary: both would split the same
 * traffic, and the arms' numbers would no longer compare the two versions alone. Outcome feedback
 * is counted per experiment from the reports taken while it runs; the status joins it with the
 * PoPs' latest health per version and the drift service's score.
 */
import { ApiError } from "../shared/errors.ts";
import { compareArms, type Experiment, wilson } from "../shared/monitoring/experiment.ts";
import type { Arm, ArmHealth, ArmStats, ExperimentRecord, ExperimentStatus } from "../shared/sync/experiment-api.ts";
import type { ModelRollout, PopReport } from "../shared/sync/protocol.ts";
import { advanceRollout, pushHistory } from "./rollout-change.ts";
import type { ControlState } from "./control-store.ts";

/** Stopped experiments kept for `status` (the oldest go first). */
const MAX_STOPPED = 100;

/** A readable id when the operator gives none: the model and the start time. */
export function experimentId(model: string, now: number): string {
  return `${model.slice(0, 48)}-${now.toString(36)}`;
}

export function startIn(s: ControlState, e: Experiment, now: number): ModelRollout {
  if (e.control === e.candidate) {
    throw new ApiError(400, "same_version", "An experiment needs two different versions.", { param: "candidate" });
  }
  if (s.experiments[e.id]) {
    throw new ApiError(409, "experiment_exists", `An experiment with id ${e.id} already exists.`, { param: "id" });
  }
  const current = s.rollouts[e.model];
  if (current?.canary) {
    throw new ApiError(
      409,
      "canary_running",
      `${e.model} has a canary of ${current.canary.version}: promote it or roll it back before an experiment.`,
    );
  }
  if (current?.experiment) {
    throw new ApiError(
      409,
      "experiment_running",
      `${e.model} already runs experiment ${current.experiment.id}; stop it first.`,
    );
  }
  if (current?.stable !== undefined && current.stable !== e.control) {
    pushHistory(s, e.model, current.stable);
  }
  s.experiments[e.id] = { ...e, started_at: now, outcomes: { control: zero(), candidate: zero() } };
  pruneStopped(s);
  const { model: _model, ...fleet } = e;
  return advanceRollout(
    s,
    e.model,
    { stable: e.control, experiment: { ...fleet, started_at: now } },
    "experiment",
    `start ${e.id}`,
  );
}

/** Ends an experiment; `keep` (default the control) is the model's stable version afterwards. */
export function stopIn(s: ControlState, id: string, keep: Arm, now: number): ModelRollout | undefined {
  const record = markStopped(s, id, keep, now);
  const current = s.rollouts[record.model];
  if (current?.experiment?.id !== id) {
    return undefined;
  }
  if (keep === "candidate") {
    pushHistory(s, record.model, record.control);
  }
  return advanceRollout(s, record.model, { stable: record[keep] }, "experiment", `stop ${id}: kept ${keep}`);
}

/** Records the end of an experiment without changing the rollout (the caller does). */
export function markStopped(s: ControlState, id: string, keep: Arm, now: number): ExperimentRecord {
  const record = runningRecord(s, id);
  record.stopped_at = now;
  record.kept = keep;
  record.final = { control: fleetHealth(s, record, "control"), candidate: fleetHealth(s, record, "candidate") };
  return record;
}

/** Refuses a rollout that would change a model under a running experiment. */
export function assertNoExperiment(s: ControlState, model: string): void {
  const running = s.rollouts[model]?.experiment;
  if (running) {
    throw new ApiError(
      409,
      "experiment_running",
      `${model} runs experiment ${running.id}; stop it (keeping one arm) before rolling out.`,
    );
  }
}

/** Adds a report's outcome feedback to the arms of the running experiments it concerns. */
export function tallyIn(s: ControlState, report: PopReport): void {
  for (const o of report.outcomes ?? []) {
    const running = s.rollouts[o.model]?.experiment;
    const record = running ? s.experiments[running.id] : undefined;
    const arm = record && armOfVersion(record, o.version);
    if (record && arm) {
      record.outcomes[arm].good += o.good;
      record.outcomes[arm].total += o.total;
    }
  }
}

export interface ArmSources {
  /** Fleet-wide drift score of a model version, when it is monitored. */
  drift?: (model: string, version: string) => number | null;
}

export function experimentStatus(
  s: ControlState,
  record: ExperimentRecord,
  sources: ArmSources = {},
): ExperimentStatus {
  const arm = (which: Arm): ArmStats => armStats(s, record, which, sources);
  return {
    id: record.id,
    model: record.model,
    percent: record.percent,
    split_by: record.split_by,
    state: record.stopped_at === undefined ? "running" : "stopped",
    started_at: record.started_at,
    ...(record.stopped_at === undefined ? {} : { stopped_at: record.stopped_at }),
    ...(record.kept === undefined ? {} : { kept: record.kept }),
    arms: { control: arm("control"), candidate: arm("candidate") },
    comparison: compareArms(record.outcomes.control, record.outcomes.candidate),
  };
}

export function recordOf(s: ControlState, id: string): ExperimentRecord {
  const record = s.experiments[id];
  if (!record) {
    throw new ApiError(404, "experiment_not_found", `No experiment with id ${id.slice(0, 100)}.`);
  }
  return record;
}

function runningRecord(s: ControlState, id: string): ExperimentRecord {
  const record = recordOf(s, id);
  if (record.stopped_at !== undefined) {
    throw new ApiError(409, "experiment_stopped", `Experiment ${id} was already stopped.`);
  }
  return record;
}

function armStats(s: ControlState, record: ExperimentRecord, which: Arm, sources: ArmSources): ArmStats {
  const version = record[which];
  const health = record.final?.[which] ?? fleetHealth(s, record, which);
  const outcomes = record.outcomes[which];
  const { rate, low, high } = wilson(outcomes);
  return {
    version,
    ...health,
    error_rate: health.requests === 0 ? 0 : health.errors / health.requests,
    outcomes: { ...outcomes },
    accuracy: { rate, low, high },
    drift: sources.drift?.(record.model, version) ?? null,
  };
}

/** One arm's requests, errors, worst p95 and ready PoPs in the PoPs' latest reports. */
function fleetHealth(s: ControlState, record: ExperimentRecord, which: Arm): ArmHealth {
  const version = record[which];
  const health: ArmHealth = { requests: 0, errors: 0, p95_ms: null, pops_ready: 0 };
  for (const { report } of Object.values(s.pops)) {
    const m = report.models.find((x) => x.model === record.model);
    const h = m?.health.find((x) => x.version === version);
    if (h) {
      health.requests += h.requests;
      health.errors += h.errors;
      health.p95_ms = h.p95_ms === null ? health.p95_ms : Math.max(health.p95_ms ?? 0, h.p95_ms);
    }
    if (m && (m.state === "serving" || m.state === "ready") && (m.served === version || m.candidate === version)) {
      health.pops_ready++;
    }
  }
  return health;
}

function armOfVersion(record: ExperimentRecord, version: string): Arm | undefined {
  return version === record.control ? "control" : version === record.candidate ? "candidate" : undefined;
}

function pruneStopped(s: ControlState): void {
  const stopped = Object.values(s.experiments)
    .filter((e) => e.stopped_at !== undefined)
    .toSorted((a, b) => (a.stopped_at ?? 0) - (b.stopped_at ?? 0));
  for (const e of stopped.slice(0, Math.max(0, stopped.length - MAX_STOPPED))) {
    delete s.experiments[e.id];
  }
}

function zero(): { good: number; total: number } {
  return { good: 0, total: 0 };
}
