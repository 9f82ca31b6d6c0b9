// The rollout commands as an operator runs them: real `edgefleet` processes against a real
// `edgefleet control serve` process on loopback. Publish with a recorded golden output,
// rollout, canary, status (--json), promote, rollback (a higher generation back to the old
// version), and one-line exit-2 errors for an unpublished version or nothing to roll back.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelRollout, Status } from "../../shared/sync/protocol.ts";
import { goldenInput, mlpVersions } from "../support/sync-fleet.ts";
import { tempDir } from "../support/temp-dir.ts";
import { type CliResult, cliJson, runCli } from "../support/run-cli.ts";

const TOKEN = "cli-operator";
let cwd: string;
let server: ChildProcess | undefined;
let url: string;

function edgefleet(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd, env: { EDGEFLEET_CONTROL: url, EDGEFLEET_TOKEN: TOKEN } });
}

const json = cliJson;

beforeAll(async () => {
  cwd = await tempDir("cli-fleet");
  url = "";
  const init = await edgefleet("keys", "init", "--json");
  if (init.code !== 0) {
    throw new Error(`keys init failed: ${init.stderr}`);
  }
  server = spawn(
    process.execPath,
    [join(process.cwd(), "cli/bin.mjs"), "control", "serve", "--port", "0", "--token", TOKEN, "--json"],
    { cwd, stdio: ["ignore", "pipe", "inherit"] },
  );
  url = await new Promise<string>((resolve, reject) => {
    server?.stdout?.once("data", (d: Buffer) => resolve((JSON.parse(d.toString()) as { url: string }).url));
    server?.once("exit", (code) => reject(new Error(`control serve exited ${code}`)));
  });
});

afterAll(() => {
  server?.kill("SIGTERM");
});

describe("edgefleet rollout / promote / rollback / status", () => {
  it("drives a model through stable, canary, promote and rollback", async () => {
    const { v1, v2 } = mlpVersions();
    await writeFile(join(cwd, "v1.onnx"), v1);
    await writeFile(join(cwd, "v2.onnx"), v2);
    await writeFile(join(cwd, "golden.json"), JSON.stringify(goldenInput()));
    for (const [file, version] of [
      ["v1.onnx", "1.0.0"],
      ["v2.onnx", "2.0.0"],
    ] as const) {
      const published = await edgefleet(
        "publish",
        file,
        "--model",
        "mlp",
        "--version",
        version,
        "--golden",
        "golden.json",
        "--json",
      );
      expect(published.code).toBe(0);
    }
    const shown = json<{ golden?: { output: unknown } }>(await edgefleet("models", "show", "mlp@2.0.0", "--json"));
    expect(JSON.stringify(shown)).toContain("golden");

    const missing = await edgefleet("rollout", "mlp@9.9.9");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("version_not_published");
    const nothing = await edgefleet("rollback", "mlp");
    expect(nothing.code).toBe(2);

    const first = json<ModelRollout>(await edgefleet("rollout", "mlp@1.0.0", "--json"));
    expect(first).toMatchObject({ stable: "1.0.0", generation: 1 });
    const canary = json<ModelRollout>(await edgefleet("rollout", "mlp@2.0.0", "--canary", "25", "--json"));
    expect(canary).toMatchObject({ stable: "1.0.0", canary: { version: "2.0.0", percent: 25 }, generation: 2 });
    const promoted = json<ModelRollout>(await edgefleet("promote", "mlp", "--json"));
    expect(promoted).toMatchObject({ stable: "2.0.0", generation: 3, reason: "promote" });
    expect(promoted.canary).toBeUndefined();
    const back = json<ModelRollout>(await edgefleet("rollback", "mlp", "--json"));
    expect(back).toMatchObject({ stable: "1.0.0", generation: 4, reason: "rollback" });

    const status = json<Status>(await edgefleet("status", "--json"));
    expect(status.seq).toBe(4);
    expect(status.rollouts).toEqual([back]);
    const text = await edgefleet("status");
    expect(text.stdout).toContain("mlp: stable 1.0.0 (generation 4, rollback)");
  });
});
