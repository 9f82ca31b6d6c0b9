// The learning cache's state outlives the control plane process: the real Node control plane
// over HTTP takes a tenant's pairs and a verdict, retrains, and is closed; a new one on the same
// state directory serves the same scorer, knows that verdict was trained on, and keeps each
// tenant's state apart. A state file that does not parse stops the start with its name.
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { pairHash } from "../../shared/cache/scorer/pair-hash.ts";
import { operatorPairs } from "../support/scorer-pairs.ts";

const OPERATOR = { authorization: "Bearer op-token", "content-type": "application/json" };
const EDGE = { authorization: "Bearer edge-token", "content-type": "application/json" };
let dir: string;
let control: RunningControlPlane;

const start = (registryDir: string) =>
  startControlPlane({ registryDir, operatorToken: "op-token", edgeToken: "edge-token" });

async function scorerVersion(url: string, tenant: string): Promise<string> {
  const res = await fetch(`${url}/v1/cache-training/${tenant}/scorer`, { headers: EDGE });
  expect(res.status).toBe(200);
  return ((await res.json()) as { version: string }).version;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgefleet-training-"));
  control = await start(dir);
});

afterAll(async () => {
  await control.close();
});

describe("cache training across a control-plane restart", () => {
  it("keeps pairs, feedback, the promoted scorer and what was trained on", async () => {
    const examples = operatorPairs(11).map((e) => ({ features: [...e.features], label: e.label }));
    const pairs = await fetch(`${control.url}/admin/cache-training/acme/pairs`, {
      method: "POST",
      headers: OPERATOR,
      body: JSON.stringify({ examples }),
    });
    expect(pairs.status).toBe(200);
    const verdict = await fetch(`${control.url}/v1/cache-training/acme/feedback`, {
      method: "POST",
      headers: EDGE,
      body: JSON.stringify({
        features: examples[0]?.features,
        label: 0,
        pair: pairHash("How do I close my account?", "How do I close my account for good?"),
        cached: "How do I close my account?",
        incoming: "How do I close my account for good?",
        at: 1,
      }),
    });
    expect(verdict.status).toBe(202);
    const retrain = await fetch(`${control.url}/admin/cache-training/acme/retrain`, {
      method: "POST",
      headers: OPERATOR,
    });
    const result = (await retrain.json()) as { promoted: boolean; version: string };
    expect(result.promoted).toBe(true);
    const untouched = await scorerVersion(control.url, "bob");

    await control.close();
    expect(await readdir(join(dir, "control", "cache-training"))).toEqual(["acme.json"]);
    control = await start(dir);

    expect(await scorerVersion(control.url, "acme")).toBe(result.version);
    expect(await scorerVersion(control.url, "bob")).toBe(untouched);
    expect(control.cacheTraining.lastResult("acme")).toMatchObject({
      promoted: true,
      model: { version: result.version },
    });
    // The verdict was trained on before the restart: the schedule has nothing to do.
    expect((await control.cacheTraining.runDue()).size).toBe(0);
    expect(control.cacheTraining.snapshot("acme")).toMatchObject({
      pairs: { length: examples.length },
      feedback: [{ label: 0 }],
    });
  });

  it("refuses to start on a state file that does not parse, naming it", async () => {
    const other = await mkdtemp(join(tmpdir(), "edgefleet-training-bad-"));
    await mkdir(join(other, "control", "cache-training"), { recursive: true });
    // A file cut short (written by hand or by a tool that is not atomic).
    await writeFile(join(other, "control", "cache-training", "acme.json"), '{"format":"edgefleet.cache-training/v1"');
    await expect(start(other)).rejects.toThrow(/acme\.json is invalid/);
  });
});
