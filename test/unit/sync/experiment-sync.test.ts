// A/B experiments in the control plane and the sync agent, in one process: starting one puts it on
// the model's rollout (control as stable) and refuses canaries meanwhile; outcomes count per arm
// only while it runs; stop keeps the chosen arm; rollback ends it on the control; an old state
// file without experiments still loads; an agent keeps both arms loaded and empties the slot at
// the end.
import { describe, expect, it } from "vitest";
import { simControl, simPop } from "../../support/fleet-sim.ts";
import { describeOnnx } from "../../../cli/models/describe-onnx.ts";
import { ControlStateSchema } from "../../../control/control-store.ts";
import type { ModelManifest } from "../../../shared/manifest/model-manifest.ts";
import { MemoryModelCatalog } from "../../../shared/storage/memory-model-catalog.ts";
import { SyncAgent } from "../../../shared/sync/agent.ts";
import { MemoryAgentStateStore } from "../../../shared/sync/agent-state.ts";
import { HealthRecorder } from "../../../shared/sync/health.ts";
import type { ModelRollout, PopReport } from "../../../shared/sync/protocol.ts";
import { mlpVersions } from "../../support/sync-fleet.ts";

async function fleet() {
  const control = await simControl();
  const { v1, v2 } = mlpVersions();
  for (const [version, bytes] of [
    ["1.0.0", v1],
    ["2.0.0", v2],
  ] as const) {
    await control.publish({
      id: "m",
      version,
      task: "raw",
      io: await describeOnnx(bytes),
      files: [{ name: "model.onnx", role: "model", bytes }],
    });
  }
  await control.operator.rollout({ model: "m", version: "1.0.0", channel: "stable" });
  return control;
}

function healthReport(requests: number): PopReport {
  return {
    pop: "h",
    seq: 1,
    models: [
      {
        model: "m",
        generation: 2,
        state: "serving",
        served: "1.0.0",
        candidate: "2.0.0",
        health: [{ version: "2.0.0", requests, errors: 1, p95_ms: 5 }],
      },
    ],
  };
}

function outcomes(pop: string, good1: number, good2: number): PopReport {
  return {
    pop,
    seq: 1,
    models: [],
    outcomes: [
      { model: "m", version: "1.0.0", good: good1, total: 50 },
      { model: "m", version: "2.0.0", good: good2, total: 50 },
    ],
  };
}

describe("experiments in the coordinator", () => {
  it("start, per-arm outcomes only while running, the significance test, and stop keeping the candidate", async () => {
    const control = await fleet();
    await control.coordinator.report(outcomes("early", 50, 0)); // before the start: not the experiment's
    const started = await control.operator.startExperiment({
      id: "e1",
      model: "m",
      control: "1.0.0",
      candidate: "2.0.0",
      percent: 30,
    });
    expect(started).toMatchObject({ state: "running", split_by: "user", percent: 30 });
    let rollout = (await control.operator.status()).rollouts[0];
    expect(rollout).toMatchObject({
      stable: "1.0.0",
      reason: "experiment",
      experiment: { id: "e1", control: "1.0.0", candidate: "2.0.0", percent: 30 },
    });
    await expect(control.operator.rollout({ model: "m", version: "2.0.0", channel: "stable" })).rejects.toMatchObject({
      status: 409,
      code: "experiment_running",
    });

    await control.coordinator.report(outcomes("a", 20, 40));
    await control.coordinator.report(outcomes("b", 21, 41));
    const status = await control.operator.experiment("e1");
    expect(status.arms.control.outcomes).toEqual({ good: 41, total: 100 });
    expect(status.arms.candidate.outcomes).toEqual({ good: 81, total: 100 });
    expect(status.arms.candidate.accuracy.low).toBeLessThan(0.81);
    expect(status.arms.candidate.accuracy.high).toBeGreaterThan(0.81);
    expect(status.comparison).toMatchObject({ significant: true, better: "candidate" });
    expect(status.comparison.difference).toBeCloseTo(0.4, 5);

    await control.coordinator.report(healthReport(10));
    const stopped = await control.operator.stopExperiment("e1", { keep: "candidate" });
    expect(stopped).toMatchObject({ state: "stopped", kept: "candidate" });
    // A stopped experiment's numbers are those of its end.
    await control.coordinator.report(healthReport(99));
    expect((await control.operator.experiment("e1")).arms.candidate).toMatchObject({
      requests: 10,
      errors: 1,
      error_rate: 0.1,
      p95_ms: 5,
      pops_ready: 1,
    });
    await control.coordinator.report(outcomes("c", 0, 50)); // after the stop: not counted
    expect((await control.operator.experiment("e1")).arms.candidate.outcomes).toEqual({ good: 81, total: 100 });
    rollout = (await control.operator.status()).rollouts[0];
    expect(rollout).toMatchObject({ stable: "2.0.0", reason: "experiment" });
    expect(rollout?.experiment).toBeUndefined();
    // The control is the version a rollback returns to.
    expect(await control.operator.rollback("m")).toMatchObject({ stable: "1.0.0" });
    expect((await control.operator.experiments()).map((e) => e.id)).toEqual(["e1"]);
  });

  it("refuses an experiment during a canary, and a rollback ends a running one on its control", async () => {
    const control = await fleet();
    await control.operator.rollout({ model: "m", version: "2.0.0", channel: "canary", percent: 10 });
    const start = { model: "m", control: "1.0.0", candidate: "2.0.0", percent: 50 };
    await expect(control.operator.startExperiment(start)).rejects.toMatchObject({
      status: 409,
      code: "canary_running",
    });
    await control.operator.rollback("m");
    const e = await control.operator.startExperiment(start);
    expect(e.id).toMatch(/^m-[0-9a-z]+$/);
    const before = (await control.operator.status()).rollouts[0]?.generation ?? 0;
    const back = await control.operator.rollback("m");
    expect(back).toMatchObject({ stable: "1.0.0", reason: "rollback", generation: before + 1 });
    expect(back.experiment).toBeUndefined();
    expect(await control.operator.experiment(e.id)).toMatchObject({ state: "stopped", kept: "control" });
  });

  it("loads a state file written before experiments existed", () => {
    const old = {
      seq: 1,
      rollouts: {},
      history: {},
      gate: { max_error_rate: 0.05, min_requests: 20, max_p95_ms: 5000 },
      pops: {},
    };
    expect(ControlStateSchema.parse(old).experiments).toEqual({});
  });
});

const manifest = (version: string) => ({ id: "m", version }) as unknown as ModelManifest;

describe("experiments at a PoP", () => {
  it("keeps both arms loaded while the experiment runs and empties the slot when it stops", async () => {
    const control = await fleet();
    const pop = await simPop(control, "p");
    await pop.agent.runOnce();
    await control.operator.startExperiment({ id: "e2", model: "m", control: "1.0.0", candidate: "2.0.0", percent: 50 });
    expect(await pop.agent.runOnce()).toMatchObject({ switched: ["m"], failed: [] });
    const served = await pop.catalog.experiment("m");
    expect(served?.experiment).toMatchObject({ id: "e2", model: "m", candidate: "2.0.0" });
    expect(served?.candidate.version).toBe("2.0.0");
    expect((await pop.catalog.get("m"))?.version).toBe("1.0.0");
    // A second round changes nothing, and the control plane hears both versions.
    expect(await pop.agent.runOnce()).toMatchObject({ switched: [], failed: [] });
    const reported = (await control.operator.status()).pops[0]?.models[0];
    expect(reported).toMatchObject({ served: "1.0.0", candidate: "2.0.0", state: "serving" });
    expect((await control.operator.experiment("e2")).arms.candidate.pops_ready).toBe(1);

    await control.operator.stopExperiment("e2", { keep: "candidate" });
    expect(await pop.agent.runOnce()).toMatchObject({ switched: ["m"], failed: [] });
    expect(await pop.catalog.experiment("m")).toBeUndefined();
    expect((await pop.catalog.get("m"))?.version).toBe("2.0.0");
  });

  it("never releases the candidate's session while the experiment runs", async () => {
    const released: string[] = [];
    const rollouts: ModelRollout[] = [
      {
        model: "m",
        generation: 1,
        seq: 1,
        stable: "1.0.0",
        experiment: { id: "e3", control: "1.0.0", candidate: "2.0.0", percent: 50, split_by: "user", started_at: 0 },
        reason: "experiment",
      },
    ];
    const health = new HealthRecorder();
    const agent = new SyncAgent({
      pop: "p",
      control: { feed: async () => ({ seq: 1, rollouts }), report: async () => undefined },
      source: {
        refresh: async () => undefined,
        manifest: async (_id, version) => manifest(version),
        ensureFiles: async () => undefined,
      },
      warmer: { warm: async () => undefined, release: (m) => released.push(m.version) },
      catalog: new MemoryModelCatalog(),
      health,
      state: new MemoryAgentStateStore(),
      graceMs: 0,
    });
    await agent.runOnce();
    health.record("m", "1.0.0", true, 1);
    await agent.runOnce();
    await agent.runOnce();
    expect(released).toEqual([]);
  });
});
