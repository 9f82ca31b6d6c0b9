// Canary, cutover and automatic rollback across four real edge PoPs (the Worker bundle in
// workerd) and a real control plane on loopback: v1 everywhere, v2 on the PoPs a 25% canary
// hashes to (only after each reported `ready`), errors injected on v2, the gate rolls the
// canary back with a higher generation, and no request fails at any cutover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEdgeBundle } from "../../cli/local/edge-bundle.ts";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { inCanary } from "../../shared/sync/cohort.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import type { PopReport } from "../../shared/sync/protocol.ts";
import { makeKeys, makeRegistry, type Keyring, type TestRegistry } from "../support/registry-fixture.ts";
import { goldenInput, mlpVersions, popIds, publishMlp, syncedEdgeVars, syncEdges } from "../support/sync-fleet.ts";

const ADMIN = "fleet-admin";
const OPERATOR = "fleet-operator";
const EDGE = "fleet-edge";
const MODEL = "mlp-sync";
const POPS = popIds("pop", 4, 1, 25);

interface Answer {
  pop: string;
  at: number;
  status: number;
  version: string | undefined;
  code: string | undefined;
}

let keys: Keyring;
let registry: TestRegistry;
let control: RunningControlPlane;
let operator: ControlClient;
let edges: RunningEdge[] = [];
const reports: { at: number; report: PopReport }[] = [];

beforeAll(async () => {
  keys = await makeKeys();
  registry = await makeRegistry(keys);
  control = await startControlPlane({
    registryDir: registry.dir,
    operatorToken: OPERATOR,
    edgeToken: EDGE,
    gate: { min_requests: 10, max_error_rate: 0.2 },
  });
  // Every report the control plane takes, with its arrival time, to check `ready` came before traffic.
  const report = control.coordinator.report.bind(control.coordinator);
  control.coordinator.report = (r) => {
    reports.push({ at: performance.now(), report: r });
    return report(r);
  };
  operator = new ControlClient(control.url, OPERATOR);
  const synced = await syncedEdgeVars(control.url, EDGE, registry.dir);
  const bundle = await buildEdgeBundle("dist/edge-sync");
  edges = await Promise.all(
    POPS.map((pop) =>
      startEdge({
        pop,
        adminToken: ADMIN,
        bundle,
        vars: {
          ...synced,
          FAULTS: "on",
          CACHE: "off",
        },
      }),
    ),
  );
});

afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await control?.close();
});

async function syncAll(): Promise<void> {
  expect(await syncEdges(edges, ADMIN)).toEqual(Object.fromEntries(POPS.map((p) => [p, []])));
}

/** Requests to every PoP in turn until stopped; `until` resolves once the answers so far satisfy a condition. */
function traffic() {
  const answers: Answer[] = [];
  const waiters: { test: (a: Answer[]) => boolean; resolve: () => void }[] = [];
  const run = { stop: false };
  const body = JSON.stringify({ model: MODEL, input: goldenInput() });
  const loops = edges.map(async (e) => {
    while (!run.stop) {
      const res = await fetch(`${e.url}/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json", "cache-control": "no-store" },
        body,
      });
      const json = (await res.json()) as { version?: string; error?: { code?: string } };
      answers.push({
        pop: e.pop,
        at: performance.now(),
        status: res.status,
        version: json.version,
        code: json.error?.code,
      });
      for (const w of waiters.filter((x) => x.test(answers))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  return {
    answers,
    until: (test: (a: Answer[]) => boolean) =>
      test(answers) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ test, resolve })),
    stop: async () => {
      run.stop = true;
      await Promise.all(loops);
    },
  };
}

describe("fleet sync on loopback", () => {
  it("canary on the hashed PoPs after ready, automatic rollback on errors, no failed request at cutover", async () => {
    const { v1, v2 } = mlpVersions();
    const canaryPops = POPS.filter((p) => inCanary(p, 25));
    expect(canaryPops).toHaveLength(1);

    await publishMlp(registry, keys, MODEL, "1.0.0", v1);
    await operator.rollout({ model: MODEL, version: "1.0.0", channel: "stable" });
    await syncAll();
    const load = traffic();
    await load.until((a) => POPS.every((p) => a.some((x) => x.pop === p && x.version === "1.0.0")));

    await publishMlp(registry, keys, MODEL, "2.0.0", v2);
    const canary = await operator.rollout({ model: MODEL, version: "2.0.0", channel: "canary", percent: 25 });
    await syncAll();
    await load.until((a) => canaryPops.every((p) => a.some((x) => x.pop === p && x.version === "2.0.0")));

    let status = await operator.status();
    for (const pop of status.pops) {
      const m = pop.models.find((x) => x.model === MODEL);
      expect({ pop: pop.pop, served: m?.served, state: m?.state }).toEqual({
        pop: pop.pop,
        served: canaryPops.includes(pop.pop) ? "2.0.0" : "1.0.0",
        state: "serving",
      });
      expect(pop.canary).toBe(canaryPops.includes(pop.pop));
    }

    // Errors on v2: the canary PoP fails half its v2 requests until the gate trips.
    const injectedAt = performance.now();
    for (const e of edges.filter((x) => canaryPops.includes(x.pop))) {
      const res = await fetch(`${e.url}/admin/faults/${MODEL}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ version: "2.0.0", error_rate: 0.5 }),
      });
      expect(res.status).toBe(200);
    }
    await load.until((a) => a.filter((x) => x.at > injectedAt && x.code === "injected_fault").length >= 10);
    await syncAll(); // the reports carry the error rate; the gate rolls back
    status = await operator.status();
    const rollout = status.rollouts.find((r) => r.model === MODEL);
    expect(rollout?.reason).toBe("auto-rollback");
    expect(rollout?.canary).toBeUndefined();
    expect(rollout?.stable).toBe("1.0.0");
    expect(rollout?.generation).toBeGreaterThan(canary.generation);

    await syncAll(); // the canary PoPs apply the rollback
    const rolledBackAt = performance.now();
    await load.until((a) => canaryPops.every((p) => a.some((x) => x.pop === p && x.at > rolledBackAt)));
    await load.stop();

    const answers = load.answers;
    // Exactly the hashed PoPs ever served v2; the others served v1 throughout.
    const servedV2 = new Set(answers.filter((a) => a.version === "2.0.0").map((a) => a.pop));
    expect([...servedV2]).toEqual(canaryPops);
    // Every failure is an injected one, on a canary PoP, while v2 served there: none at a cutover.
    const failures = answers.filter((a) => a.status !== 200);
    expect(failures.every((a) => a.code === "injected_fault" && canaryPops.includes(a.pop))).toBe(true);
    expect(failures.every((a) => a.at > injectedAt && a.at < rolledBackAt)).toBe(true);
    for (const pop of canaryPops) {
      // v1 → v2 → v1 on the canary PoP, each switch once, and back on v1 at the end.
      const versions = answers.filter((a) => a.pop === pop && a.version !== undefined).map((a) => a.version);
      const switches = versions.filter((v, i) => i > 0 && v !== versions[i - 1]);
      expect(switches).toEqual(["2.0.0", "1.0.0"]);
      // The PoP reported `ready` for v2 before its first v2 answer.
      const firstV2 = answers.find((a) => a.pop === pop && a.version === "2.0.0");
      const ready = reports.find(
        (r) => r.report.pop === pop && r.report.models.some((m) => m.desired === "2.0.0" && m.state === "ready"),
      );
      expect(ready && firstV2 && ready.at < firstV2.at).toBe(true);
    }
    const final = await operator.status();
    for (const pop of final.pops) {
      expect({ pop: pop.pop, served: pop.models.find((x) => x.model === MODEL)?.served }).toEqual({
        pop: pop.pop,
        served: "1.0.0",
      });
    }
  });
});
