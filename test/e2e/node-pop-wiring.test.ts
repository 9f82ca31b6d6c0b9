// The Node PoP is wired like the Worker (edge/wire-edge.ts): it sends a model it does not serve
// to an origin from its origin table, and syncs signed rollouts from a real control plane
// (`POST /admin/sync`, and its own timer). A configuration that does not parse is refused by
// both runtimes: the Worker answers 500 `config_invalid`, the Node PoP and `edgefleet pop` do not start.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { startEdge } from "../../cli/local/edge-miniflare.ts";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { ConfigError } from "../../edge/config.ts";
import { type NodePopOptions, type RunningNodePop, startNodePop } from "../../edge/node/node-pop.ts";
import { silentLogger } from "../../shared/log.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { makeKeys, makeRegistry, type Keyring, type TestRegistry } from "../support/registry-fixture.ts";
import { runCli } from "../support/run-cli.ts";
import { goldenInput, mlpVersions, publishMlp } from "../support/sync-fleet.ts";
import { tempDir } from "../support/temp-dir.ts";

const ADMIN = "node-admin";
const OPERATOR = "node-operator";
const EDGE = "node-edge";
const MODEL = "mlp-node";

let keys: Keyring;
let registry: TestRegistry;
let control: RunningControlPlane;
let operator: ControlClient;
let origin: FakeOrigin;
let trustedRoot: string;
const pops: RunningNodePop[] = [];

async function nodePop(pop: string, extra: Partial<NodePopOptions> = {}): Promise<RunningNodePop> {
  const running = await startNodePop({
    pop,
    dataDir: await tempDir("node-pop"),
    adminToken: ADMIN,
    auth: "off",
    threads: 1,
    log: silentLogger,
    origins: { origins: [{ id: "eu", region: "eu-west", endpoint: origin.url, models: ["remote-only"] }] },
    control: { url: control.url, token: EDGE, trustedRoot, graceMs: 0 },
    ...extra,
  });
  pops.push(running);
  return running;
}

async function predict(base: string, model: string, input: unknown): Promise<Response> {
  return fetch(`${base}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify({ model, input }),
  });
}

beforeAll(async () => {
  keys = await makeKeys();
  registry = await makeRegistry(keys);
  control = await startControlPlane({ registryDir: registry.dir, operatorToken: OPERATOR, edgeToken: EDGE });
  operator = new ControlClient(control.url, OPERATOR);
  origin = await startFakeOrigin("fake-eu");
  trustedRoot = await readFile(join(registry.dir, "metadata", "1.root.json"), "utf8");
});

afterAll(async () => {
  await Promise.all(pops.map((p) => p.close()));
  await origin?.stop();
  await control?.close();
});

describe("Node PoP wired like the Worker", () => {
  it("sends a model it does not serve to the origin table's origin", async () => {
    const pop = await nodePop("node-route");
    const res = await predict(pop.url, "remote-only", { x: 1 });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("origin/eu-west");
    expect(await res.json()).toMatchObject({ output: { origin: "fake-eu" } });
    expect(origin.count("/v1/predict")).toBe(1);
  });

  it("syncs a signed rollout from the control plane on POST /admin/sync, then by its own timer", async () => {
    const manual = await nodePop("node-sync");
    const timed = await nodePop("node-timer", { syncIntervalMs: 100 });
    const { v1, v2 } = mlpVersions();
    await publishMlp(registry, keys, MODEL, "1.0.0", v1);
    await operator.rollout({ model: MODEL, version: "1.0.0", channel: "stable" });

    expect((await predict(manual.url, MODEL, goldenInput())).status).toBe(404);
    const round = await fetch(`${manual.url}/admin/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(round.status).toBe(200);
    expect(await round.json()).toMatchObject({ failed: [], switched: [MODEL] });
    const served = await predict(manual.url, MODEL, goldenInput());
    expect(served.status).toBe(200);
    expect(served.headers.get("x-edgefleet-served-by")).toBe("edge/node-sync");
    expect(await served.json()).toMatchObject({ version: "1.0.0" });
    const status = await operator.status();
    expect(status.pops.find((p) => p.pop === "node-sync")?.models).toEqual(
      expect.arrayContaining([expect.objectContaining({ model: MODEL, served: "1.0.0" })]),
    );

    // The timer PoP is never asked: it converges by itself, to v1 and then to v2.
    await publishMlp(registry, keys, MODEL, "2.0.0", v2);
    await operator.rollout({ model: MODEL, version: "2.0.0", channel: "stable" });
    await expect
      .poll(
        async () => ((await (await predict(timed.url, MODEL, goldenInput())).json()) as { version?: string }).version,
        {
          timeout: 60_000,
          interval: 200,
        },
      )
      .toBe("2.0.0");
  });

  it("refuses to start on a bad setting, naming it", async () => {
    const error = await nodePop("node-bad", { env: { MAX_BODY_BYTES: "abc" }, origins: "[" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keys).toEqual(["MAX_BODY_BYTES", "ORIGINS"]);

    const cli = await runCli(["pop", "--port", "0", "--origins", "{not json", "--data", await tempDir("pop-cli")]);
    expect(cli.code).toBe(2);
    expect(cli.stderr + cli.stdout).toContain("ORIGINS: is not JSON");
  });
});

describe("Worker with an invalid configuration", () => {
  it("answers every request 500 config_invalid, naming the keys, instead of serving with defaults", async () => {
    const edge = await startEdge({
      pop: "bad-config",
      adminToken: ADMIN,
      vars: { MAX_BODY_BYTES: "abc", CACHE_THRESHOLD: "2" },
    });
    try {
      for (const path of ["/v1/models", "/healthz"]) {
        const res = await fetch(`${edge.url}${path}`);
        expect(res.status).toBe(500);
        const body = (await res.json()) as { error: { code: string; param: string; message: string } };
        expect(body.error.code).toBe("config_invalid");
        expect(body.error.param).toBe("CACHE_THRESHOLD,MAX_BODY_BYTES");
        expect(body.error.message).toContain('MAX_BODY_BYTES: expected a positive integer (bytes), got "abc"');
      }
    } finally {
      await edge.close();
    }
  });
});
