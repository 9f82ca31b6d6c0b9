// `edgefleet cache publish` as an operator runs it: real processes on a real registry directory.
// A scorer file is signed in as cache-scorer.<tenant> and verifies like any model; the usual
// mistakes are one line with exit code 2; after a promoted retrain on a real control plane,
// --from-control publishes exactly the control plane's active scorer.
import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { scorerBytes } from "../../shared/cache/scorer/published-scorer.ts";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import { type CliResult, cliJson, runCli } from "../support/run-cli.ts";
import { postJson } from "../support/origin-fixtures.ts";
import { operatorPairs } from "../support/scorer-pairs.ts";
import { floorScorer } from "../support/scorer-versions.ts";
import { tempDir } from "../support/temp-dir.ts";

const OPERATOR = "cli-operator";
let cwd: string;
let control: RunningControlPlane;

function edgefleet(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd });
}

beforeAll(async () => {
  cwd = await tempDir("cli-cache-publish");
  cliJson(await edgefleet("keys", "init", "--json"));
  control = await startControlPlane({
    registryDir: join(cwd, ".edgefleet/registry"),
    stateDir: await tempDir("cli-cache-publish-state"),
    operatorToken: OPERATOR,
  });
});

afterAll(async () => {
  await control?.close();
});

describe("edgefleet cache publish", () => {
  it("signs a scorer file in as cache-scorer.<tenant>; models verify accepts it", async () => {
    const scorer = await floorScorer("acme", 0.8);
    await writeFile(join(cwd, "cache-scorer.json"), scorerBytes(scorer));
    const published = cliJson<{ id: string; version: string; task: string; status: string; scorer_version: string }>(
      await edgefleet("cache", "publish", "--scorer", "cache-scorer.json", "--version", "1.0.0", "--json"),
    );
    expect(published).toMatchObject({
      id: "cache-scorer.acme",
      version: "1.0.0",
      task: "cache-scorer",
      status: "published",
      scorer_version: scorer.version,
    });
    const show = cliJson<{ manifest: ModelManifest }>(await edgefleet("models", "show", "cache-scorer.acme", "--json"));
    expect(show.manifest).toMatchObject({ task: "cache-scorer", private_to: ["acme"] });
    expect(cliJson<{ ok: boolean }>(await edgefleet("models", "verify", "--json")).ok).toBe(true);
  });

  it("refuses the usual mistakes with one line and exit code 2, before signing anything", async () => {
    await writeFile(join(cwd, "not-a-scorer.json"), JSON.stringify({ format: "something-else" }));
    const cases: Array<[string[], RegExp]> = [
      [["cache", "publish", "--scorer", "cache-scorer.json", "--version", "1.1"], /not a semantic version/],
      [
        ["cache", "publish", "--scorer", "cache-scorer.json", "--tenant", "globex", "--version", "1.1.0"],
        /trained for tenant acme, not globex/,
      ],
      [
        ["cache", "publish", "--scorer", "not-a-scorer.json", "--version", "1.1.0"],
        /not an edgefleet\.cache-scorer\/v1 scorer/,
      ],
      [["cache", "publish", "--version", "1.1.0"], /name the scorer/],
      [
        ["cache", "publish", "--scorer", "cache-scorer.json", "--version", "1.1.0", "--keys", "nowhere"],
        /no signing keys in nowhere/,
      ],
      [["cache", "publish", "--from-control", control.url, "--tenant", "acme", "--version", "1.1.0"], /answered 401/],
      [
        [
          "cache",
          "publish",
          "--from-control",
          control.url,
          "--tenant",
          "acme",
          "--token",
          OPERATOR,
          "--version",
          "1.1.0",
        ],
        /no tuned scorer for tenant acme yet/,
      ],
      [
        ["publish", "cache-scorer.json", "--model", "x", "--version", "1.0.0", "--task", "cache-scorer"],
        /edgefleet cache publish/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await edgefleet(...args);
      expect({ args: args.join(" "), code: r.code }).toEqual({ args: args.join(" "), code: 2 });
      expect(r.stderr.split("\n")[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const list = cliJson<{ models: Array<{ id: string; version: string }> }>(
      await edgefleet("models", "list", "--json"),
    );
    expect(list.models.map((m) => `${m.id}@${m.version}`)).toEqual(["cache-scorer.acme@1.0.0"]);
  });

  it("--from-control publishes the control plane's scorer after a promoted retrain", async () => {
    const auth = { authorization: `Bearer ${OPERATOR}` };
    const examples = operatorPairs(5).map((e) => ({ features: e.features, label: e.label }));
    expect((await postJson(control.url, "/admin/cache-training/acme/pairs", { examples }, auth)).status).toBe(200);
    const retrained = (await (await postJson(control.url, "/admin/cache-training/acme/retrain", {}, auth)).json()) as {
      promoted: boolean;
      version: string;
    };
    expect(retrained.promoted).toBe(true);
    const published = cliJson<{ id: string; version: string; scorer_version: string; parent: string }>(
      // The operator token from the environment, as the rollout commands take it.
      await runCli(
        ["cache", "publish", "--from-control", control.url, "--tenant", "acme", "--version", "1.0.1", "--json"],
        {
          cwd,
          env: { EDGEFLEET_TOKEN: OPERATOR },
        },
      ),
    );
    expect(published).toMatchObject({
      id: "cache-scorer.acme",
      version: "1.0.1",
      parent: "1.0.0",
      scorer_version: retrained.version,
    });
  });
});
