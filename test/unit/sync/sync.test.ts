// The sync service in one process: canary cohorts, the coordinator behind its HTTP app
// (feed catch-up, long poll, SSE, auth, the gate), and the agent's rules (offline catch-up,
// no lower generation, a version that fails pre-warm never takes traffic).
import { describe, expect, it } from "vitest";
import { simControl, simPop } from "../../support/fleet-sim.ts";
import { describeOnnx } from "../../../cli/models/describe-onnx.ts";
import { ortNodeRuntime } from "../../../adapters/node/ort-node.ts";
import { ModelEngine } from "../../../shared/engine/model-engine.ts";
import { ModelManifestSchema } from "../../../shared/manifest/model-manifest.ts";
import { MemoryBlobStore } from "../../../shared/storage/memory-blob-store.ts";
import { MemoryModelCatalog } from "../../../shared/storage/memory-model-catalog.ts";
import { SyncAgent } from "../../../shared/sync/agent.ts";
import { MemoryAgentStateStore } from "../../../shared/sync/agent-state.ts";
import { inCanary, popBucket } from "../../../shared/sync/cohort.ts";
import { EngineWarmer } from "../../../shared/sync/engine-warmer.ts";
import { HealthRecorder } from "../../../shared/sync/health.ts";
import type { Feed, PopReport } from "../../../shared/sync/protocol.ts";
import { sha256Hex } from "../../../shared/crypto/sha256.ts";
import { goldenInput, mlpVersions } from "../../support/sync-fleet.ts";

async function draft(version: string, bytes: Uint8Array) {
  return {
    id: "m",
    version,
    task: "raw" as const,
    io: await describeOnnx(bytes),
    files: [{ name: "model.onnx", role: "model" as const, bytes }],
  };
}

describe("canary cohorts", () => {
  it("hash PoPs stably, grow without reshuffling, and take about the asked share", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `pop-${i}`);
    expect(popBucket("pop-1")).toBe(popBucket("pop-1"));
    const at10 = ids.filter((id) => inCanary(id, 10));
    const at25 = new Set(ids.filter((id) => inCanary(id, 25)));
    expect(at10.every((id) => at25.has(id))).toBe(true);
    expect(at10.length / ids.length).toBeCloseTo(0.1, 1);
    expect(at25.size / ids.length).toBeCloseTo(0.25, 1);
  });
});

function report(errors: number, p95: number): PopReport {
  return {
    pop: "p",
    seq: 2,
    models: [
      {
        model: "m",
        generation: 2,
        state: "serving",
        served: "2.0.0",
        health: [{ version: "2.0.0", requests: 100, errors, p95_ms: p95 }],
      },
    ],
  };
}

describe("control plane", () => {
  it("serves the feed from a sequence number, long-polls, streams SSE from Last-Event-ID, and wants a token", async () => {
    const control = await simControl();
    const { v1, v2 } = mlpVersions();
    await control.publish(await draft("1.0.0", v1));
    await control.publish(await draft("2.0.0", v2));
    const get = (path: string, headers: Record<string, string> = {}) =>
      control.app.fetch(new Request(`http://c${path}`, { headers: { authorization: "Bearer bench", ...headers } }));
    expect((await control.app.fetch(new Request("http://c/v1/sync/feed?pop=p"))).status).toBe(401);

    await control.operator.rollout({ model: "m", version: "1.0.0", channel: "stable" });
    const waiting = get("/v1/sync/feed?pop=p&since=1&wait=10000");
    await control.operator.rollout({ model: "m", version: "2.0.0", channel: "canary", percent: 50 });
    const polled = (await (await waiting).json()) as Feed;
    expect(polled.rollouts.map((r) => r.seq)).toEqual([2]);
    const caughtUp = (await (await get("/v1/sync/feed?pop=p&since=0")).json()) as Feed;
    expect(caughtUp).toMatchObject({ seq: 2, rollouts: [{ seq: 2, generation: 2, canary: { version: "2.0.0" } }] });

    const res = await get("/v1/sync/stream", { "last-event-id": "0" });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    expect(first).toContain("id: 2");
    expect(first).toContain('"version":"2.0.0"');
    await reader?.cancel();
  });

  it("rolls a canary back by itself when a canary PoP breaches the gate, with a higher generation", async () => {
    const control = await simControl();
    const { v1, v2 } = mlpVersions();
    await control.publish(await draft("1.0.0", v1));
    await control.publish(await draft("2.0.0", v2));
    await control.operator.rollout({ model: "m", version: "1.0.0", channel: "stable" });
    const canary = await control.operator.rollout({ model: "m", version: "2.0.0", channel: "canary", percent: 100 });
    await control.coordinator.report(report(1, 10));
    expect((await control.operator.status()).rollouts[0]?.canary).toBeDefined();
    await control.coordinator.report(report(0, 60_000));
    const after = (await control.operator.status()).rollouts[0];
    expect(after).toMatchObject({ reason: "auto-rollback", stable: "1.0.0", generation: canary.generation + 1 });
    expect(after?.note).toContain("p95");
  });
});

describe("sync agent", () => {
  it("catches up after being offline, fetches only missing chunks, and never applies a lower generation", async () => {
    const control = await simControl();
    const { v1, v2 } = mlpVersions();
    await control.publish(await draft("1.0.0", v1));
    await control.publish(await draft("2.0.0", v2));
    const pop = await simPop(control, "p");
    await control.operator.rollout({ model: "m", version: "1.0.0", channel: "stable" });
    await pop.agent.runOnce();
    const full = pop.client.stats.fetchedBytes;
    // Offline while two changes happen: one round lands on the latest.
    await control.operator.rollout({ model: "m", version: "2.0.0", channel: "stable" });
    await control.operator.rollback("m");
    await control.operator.rollout({ model: "m", version: "2.0.0", channel: "stable" });
    const round = await pop.agent.runOnce();
    expect(round).toMatchObject({ seq: 4, switched: ["m"], failed: [] });
    expect((await pop.catalog.get("m"))?.version).toBe("2.0.0");
    // This MLP is one chunk, so v2 is one chunk; the bench measures a 10.8 MB model.
    expect(pop.client.stats.fetchedBytes - full).toBeLessThanOrEqual(full);

    // A control plane that answers an older generation is ignored.
    const stale = new SyncAgent({
      pop: "q",
      control: {
        feed: async () => ({
          seq: 9,
          rollouts: [{ model: "m", generation: 5, seq: 9, stable: "1.0.0", reason: "rollout" }],
        }),
        report: async () => undefined,
      },
      source: {
        refresh: async () => undefined,
        manifest: () => Promise.reject(new Error("not reached")),
        ensureFiles: async () => undefined,
      },
      warmer: { warm: async () => undefined, release: () => undefined },
      catalog: new MemoryModelCatalog(),
      health: new HealthRecorder(),
      state: {
        load: async () => ({ seq: 3, generations: { m: 6 }, models: {}, flips: {} }),
        save: async () => undefined,
      },
    });
    expect(await stale.runOnce()).toMatchObject({ switched: [], failed: [] });
  });

  it("keeps serving the old version when the new one fails its golden check", async () => {
    const { v1, v2 } = mlpVersions();
    const blobs = new MemoryBlobStore();
    const manifestOf = async (version: string, bytes: Uint8Array, golden: unknown) => {
      const sha256 = await sha256Hex(bytes);
      await blobs.put(sha256, bytes);
      return ModelManifestSchema.parse({
        schema: "edgefleet.model/v1",
        id: "m",
        version,
        task: "raw",
        io: await describeOnnx(bytes),
        files: [{ name: "model.onnx", role: "model", sha256, size: bytes.byteLength }],
        golden: { input: goldenInput(), output: golden },
      });
    };
    const engine = new ModelEngine({ runtime: ortNodeRuntime({ threads: 1 }), blobs, budgetBytes: 2 ** 28 });
    const warmer = new EngineWarmer(engine);
    const good = await manifestOf("1.0.0", v1, { tensors: {} });
    // Record v1's real output as its golden, then give v2 v1's output: v2's weights differ, so it must fail.
    const { predict } = await import("../../../shared/engine/predict.ts");
    const output = (await predict(engine, good, goldenInput(), {})).output;
    const v1m = await manifestOf("1.0.0", v1, output);
    const v2m = await manifestOf("2.0.0", v2, output);
    await expect(warmer.warm(v1m)).resolves.toBeUndefined();
    await expect(warmer.warm(v2m)).rejects.toThrow("golden");

    const catalog = new MemoryModelCatalog([v1m]);
    const reports: PopReport[] = [];
    const agent = new SyncAgent({
      pop: "p",
      control: {
        feed: async () => ({
          seq: 2,
          rollouts: [{ model: "m", generation: 2, seq: 2, stable: "2.0.0", reason: "rollout" }],
        }),
        report: async (r) => {
          reports.push(r);
        },
      },
      source: { refresh: async () => undefined, manifest: async () => v2m, ensureFiles: async () => undefined },
      warmer,
      catalog,
      health: new HealthRecorder(),
      state: new MemoryAgentStateStore(),
    });
    expect(await agent.runOnce()).toMatchObject({ seq: 0, failed: ["m"] });
    expect((await catalog.get("m"))?.version).toBe("1.0.0");
    expect(reports.at(-1)?.models[0]).toMatchObject({ state: "failed", desired: "2.0.0", served: "1.0.0" });
  });
});

describe("HealthRecorder", () => {
  it("counts an outcome learnt later as an error of a request already counted, never more errors than requests", () => {
    const health = new HealthRecorder();
    health.markError("m", "1.0.0"); // nothing served yet: nothing to mark
    health.record("m", "1.0.0", true, 3);
    health.record("m", "1.0.0", true, 4);
    health.markError("m", "1.0.0");
    health.markError("m", "1.0.0");
    health.markError("m", "1.0.0");
    // p95 of [3, 4] by the one quantile definition (shared/stats/quantile.ts, type 7): 3 + 0.95 × 1.
    expect(health.of("m")).toEqual([{ version: "1.0.0", requests: 2, errors: 2, p95_ms: 3.95 }]);
  });
});
