// An A/B experiment across two real edge PoPs (the Worker bundle in workerd) and a real control
// plane on loopback, with a signed registry holding two versions of a small MLP whose outputs
// differ: 50% of users go to the candidate, each user gets the same version on every PoP, users'
// feedback favours the candidate's answers, and `edgefleet experiment status --json` reports the
// candidate as better and significant; stopping it keeping the candidate moves everyone there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEdgeBundle } from "../../cli/local/edge-bundle.ts";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import type { ExperimentStatus } from "../../shared/sync/experiment-api.ts";
import { matchesGolden } from "../../shared/sync/golden.ts";
import { cliJson, runCli } from "../support/run-cli.ts";
import { makeKeys, makeRegistry } from "../support/registry-fixture.ts";
import { goldenInput, mlpVersions, publishMlp, syncedEdgeVars } from "../support/sync-fleet.ts";

const ADMIN = "ab-admin";
const OPERATOR = "ab-operator";
const EDGE = "ab-edge";
const MODEL = "mlp-ab";
const USERS = Array.from({ length: 40 }, (_, i) => `user-${i}`);

interface Answer {
  pop: string;
  user: string;
  status: number;
  version: string | undefined;
  experiment: string | null;
  requestId: string;
  output: unknown;
}

let control: RunningControlPlane;
let operator: ControlClient;
let edges: RunningEdge[] = [];
let candidateOutput: unknown;

beforeAll(async () => {
  const keys = await makeKeys();
  const registry = await makeRegistry(keys);
  control = await startControlPlane({ registryDir: registry.dir, operatorToken: OPERATOR, edgeToken: EDGE });
  operator = new ControlClient(control.url, OPERATOR);
  const { v1, v2 } = mlpVersions();
  await publishMlp(registry, keys, MODEL, "1.0.0", v1);
  candidateOutput = (await publishMlp(registry, keys, MODEL, "2.0.0", v2)).manifest.golden?.output;
  const synced = await syncedEdgeVars(control.url, EDGE, registry.dir);
  const bundle = await buildEdgeBundle("dist/edge-ab");
  edges = await Promise.all(
    ["pop-ams", "pop-sin"].map((pop) =>
      startEdge({
        pop,
        adminToken: ADMIN,
        bundle,
        vars: { ...synced, CACHE: "off" },
      }),
    ),
  );
});

afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await control?.close();
});

async function syncAll(): Promise<void> {
  for (const e of edges) {
    const res = await fetch(`${e.url}/admin/sync`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
    const round = (await res.json()) as { failed?: string[] };
    expect({ pop: e.pop, status: res.status, failed: round.failed }).toEqual({ pop: e.pop, status: 200, failed: [] });
  }
}

/** Every user asks every PoP `rounds` times. */
async function askAll(rounds: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  const body = JSON.stringify({ model: MODEL, input: goldenInput() });
  for (let r = 0; r < rounds; r++) {
    for (const e of edges) {
      await Promise.all(
        USERS.map(async (user) => {
          const res = await fetch(`${e.url}/v1/predict`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-edgefleet-user": user },
            body,
          });
          const json = (await res.json()) as { version?: string; output?: unknown };
          answers.push({
            pop: e.pop,
            user,
            status: res.status,
            version: json.version,
            experiment: res.headers.get("x-edgefleet-experiment"),
            requestId: res.headers.get("x-request-id") ?? "",
            output: json.output,
          });
          expect(res.headers.get("x-edgefleet-model-version")).toBe(json.version);
        }),
      );
    }
  }
  return answers;
}

function edgefleet(...args: string[]) {
  return runCli(args, { env: { EDGEFLEET_CONTROL: control.url, EDGEFLEET_TOKEN: OPERATOR } });
}

/** `edgefleet experiment start` of 2.0.0 against 1.0.0 on MODEL, sending `percent` to the candidate. */
function startExperiment(percent: string, ...more: string[]) {
  return edgefleet(
    "experiment",
    "start",
    "--model",
    MODEL,
    "--control",
    "1.0.0",
    "--candidate",
    "2.0.0",
    "--percent",
    percent,
    ...more,
  );
}

describe("A/B experiment across PoPs", () => {
  it("refuses bad experiments with clear 4xx errors", async () => {
    await operator.rollout({ model: MODEL, version: "1.0.0", channel: "stable" });
    const start = { model: MODEL, control: "1.0.0", candidate: "2.0.0", percent: 50 };
    await expect(operator.startExperiment({ ...start, candidate: "9.9.9" })).rejects.toMatchObject({
      status: 404,
      code: "version_not_published",
    });
    await expect(operator.startExperiment({ ...start, percent: 150 })).rejects.toMatchObject({
      status: 400,
      code: "invalid_request",
    });
    await expect(operator.startExperiment({ ...start, candidate: "1.0.0" })).rejects.toMatchObject({
      status: 400,
      code: "same_version",
    });
    await expect(operator.stopExperiment("no-such-experiment")).rejects.toMatchObject({
      status: 404,
      code: "experiment_not_found",
    });
    const cli = await startExperiment("120");
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("--percent");
    const anonymous = await fetch(`${control.url}/v1/experiments`);
    await anonymous.body?.cancel();
    expect(anonymous.status).toBe(401);
  });

  it("keeps each user on one arm on every PoP, and finds the candidate better when feedback favours it", async () => {
    await syncAll();
    const started = cliJson<ExperimentStatus>(await startExperiment("50", "--id", "mlp-ab-test", "--json"));
    expect(started).toMatchObject({ id: "mlp-ab-test", state: "running", percent: 50, split_by: "user" });
    // A second experiment with the same id, or on the same model, is refused; so is a canary meanwhile.
    await expect(
      operator.startExperiment({ id: "mlp-ab-test", model: MODEL, control: "1.0.0", candidate: "2.0.0", percent: 10 }),
    ).rejects.toMatchObject({ status: 409, code: "experiment_exists" });
    await expect(
      operator.startExperiment({ model: MODEL, control: "1.0.0", candidate: "2.0.0", percent: 10 }),
    ).rejects.toMatchObject({ status: 409, code: "experiment_running" });
    await expect(
      operator.rollout({ model: MODEL, version: "2.0.0", channel: "canary", percent: 50 }),
    ).rejects.toMatchObject({ status: 409, code: "experiment_running" });

    await syncAll();
    const status = await operator.status();
    for (const pop of status.pops) {
      expect(pop.models.find((m) => m.model === MODEL)).toMatchObject({
        served: "1.0.0",
        candidate: "2.0.0",
        state: "serving",
      });
    }

    const answers = await askAll(2);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const armOf = new Map<string, Set<string>>();
    for (const a of answers) {
      const seen = armOf.get(a.user) ?? new Set<string>();
      seen.add(`${a.version} ${a.experiment}`);
      armOf.set(a.user, seen);
    }
    // Sticky: one version (and one arm header) per user, on both PoPs, every time.
    for (const [user, seen] of armOf) {
      expect({ user, arms: seen.size }).toEqual({ user, arms: 1 });
    }
    const arms = new Set([...armOf.values()].map((s) => [...s][0]));
    expect([...arms].toSorted()).toEqual(["1.0.0 mlp-ab-test/control", "2.0.0 mlp-ab-test/candidate"]);
    const onCandidate = [...armOf.values()].filter((s) => [...s][0]?.startsWith("2.0.0")).length;
    expect(onCandidate).toBeGreaterThan(USERS.length * 0.25);
    expect(onCandidate).toBeLessThan(USERS.length * 0.75);

    // Users judge the answers: those like the candidate's output are mostly right, the others mostly not.
    let n = 0;
    for (const a of answers) {
      const likeCandidate = matchesGolden(a.output, candidateOutput, 1e-4);
      const good = likeCandidate ? n % 5 !== 0 : n % 5 < 2;
      n++;
      const pop = edges.find((e) => e.pop === a.pop);
      const res = await fetch(`${pop?.url}/v1/feedback`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ request_id: a.requestId, score: good ? 1 : 0 }),
      });
      expect(res.status).toBe(202);
      await res.body?.cancel();
    }
    await syncAll(); // the reports carry the outcomes and each version's health

    const report = cliJson<ExperimentStatus>(await edgefleet("experiment", "status", "mlp-ab-test", "--json"));
    const perVersion = (v: string) => answers.filter((a) => a.version === v).length;
    expect(report.arms.control).toMatchObject({
      version: "1.0.0",
      requests: perVersion("1.0.0"),
      errors: 0,
      pops_ready: 2,
    });
    expect(report.arms.candidate).toMatchObject({
      version: "2.0.0",
      requests: perVersion("2.0.0"),
      errors: 0,
      pops_ready: 2,
    });
    expect(report.arms.control.outcomes.total + report.arms.candidate.outcomes.total).toBe(answers.length);
    expect(report.arms.candidate.accuracy.rate).toBeGreaterThan(report.arms.control.accuracy.rate);
    expect(report.arms.candidate.accuracy.low).toBeGreaterThan(0);
    expect(report.arms.candidate.p95_ms).not.toBeNull();
    expect(report.comparison).toMatchObject({ significant: true, better: "candidate" });
    expect(report.comparison.p_value).toBeLessThan(0.05);
    const text = await edgefleet("experiment", "status", "mlp-ab-test");
    expect(text.stdout).toContain("candidate is better");
    const page = await fetch(`${control.url}/dashboard/experiments?token=${OPERATOR}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-experiment="mlp-ab-test"');
    expect(html).toContain("candidate is better");
    expect(html).toContain(`${(report.arms.candidate.accuracy.rate * 100).toFixed(1)}%`);
    expect(html.match(/<circle /g)).toHaveLength(2);

    // Stop, keeping the candidate: it becomes the stable version everywhere and the split ends.
    const stopped = cliJson<ExperimentStatus>(
      await edgefleet("experiment", "stop", "mlp-ab-test", "--keep", "candidate", "--json"),
    );
    expect(stopped).toMatchObject({ state: "stopped", kept: "candidate" });
    await expect(operator.stopExperiment("mlp-ab-test")).rejects.toMatchObject({ status: 409 });
    const rollout = (await operator.status()).rollouts.find((r) => r.model === MODEL);
    expect(rollout).toMatchObject({ stable: "2.0.0", reason: "experiment" });
    expect(rollout?.experiment).toBeUndefined();
    await syncAll();
    const after = await askAll(1);
    expect(new Set(after.map((a) => `${a.status} ${a.version} ${a.experiment}`))).toEqual(new Set(["200 2.0.0 null"]));
  });
});
