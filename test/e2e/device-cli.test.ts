// `edgefleet device …` as a person runs it: real processes, a real registry on loopback, the
// real PP-OCRv4 recognition model. A fresh device says it never synced; sync installs the
// model (trusting the server's root on first use); run answers offline exactly like
// /v1/predict; a v2 that changes one tensor arrives as a small download; rollback returns to
// N-1; refused metadata is one line, exit 1, and names what keeps running.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultModelDraft } from "../support/default-model-draft.ts";
import { float32Weights, perturbTensor } from "../support/onnx-perturb.ts";
import { type LoopbackRegistry, startRegistry } from "../support/registry-fixture.ts";
import { tempDir } from "../support/temp-dir.ts";
import { type CliResult, cliJson, runCli } from "../support/run-cli.ts";

let registry: LoopbackRegistry;
let dir: string;
let inputFile: string;

function edgefleet(...args: string[]): Promise<CliResult> {
  return runCli(args);
}

const json = cliJson;

beforeAll(async () => {
  registry = await startRegistry();
  await registry.publish(await defaultModelDraft("ppocr-rec", "4.0.0"));
  dir = await tempDir("device-cli");
  inputFile = join(dir, "..", `ocr-input-${process.pid}.json`);
  const image = (await readFile("test/fixtures/ocr-line.png")).toString("base64");
  await writeFile(inputFile, JSON.stringify({ image }));
});

afterAll(async () => {
  await registry.server.close();
});

interface RunAnswer {
  model: string;
  version: string;
  output: { text: string; confidence: number };
  provider: string;
  device: { served: string; metadata_expired: boolean };
}

/** v2 of the model: every weight of its median float32 tensor scaled by 1.001. */
function editOneTensor(model: Uint8Array): Uint8Array {
  const weights = float32Weights(model);
  const tensor = weights[Math.floor(weights.length / 2)];
  if (!tensor) {
    throw new Error("no float32 tensor");
  }
  return perturbTensor(model, tensor);
}

describe("edgefleet device", () => {
  it("tells a device that never synced what to do", async () => {
    const status = json<{ metadata: { synced: boolean }; models: unknown[] }>(
      await edgefleet("device", "status", "--dir", dir, "--json"),
    );
    expect(status).toMatchObject({ metadata: { synced: false }, models: [] });
    const runBefore = await edgefleet("device", "run", "ppocr-rec", inputFile, "--dir", dir);
    expect(runBefore.code).toBe(2);
    expect(runBefore.stderr).toMatch(/never synced.*edgefleet device sync --server/);
  });

  it("syncs PP-OCRv4 rec and reads a text line offline, like /v1/predict", async () => {
    const sync = json<{ ok: boolean; trust: string; models: Array<{ status: string; version: string }> }>(
      await edgefleet(
        "device",
        "sync",
        "--server",
        registry.server.url,
        "--dir",
        dir,
        "--model",
        "ppocr-rec",
        "--json",
      ),
    );
    expect(sync).toMatchObject({ ok: true, trust: "first-use", models: [{ status: "installed", version: "4.0.0" }] });
    // The registry is gone from here on: the device runs what it verified.
    const answer = json<RunAnswer>(await edgefleet("device", "run", "ppocr-rec", inputFile, "--dir", dir, "--json"));
    expect(answer).toMatchObject({ model: "ppocr-rec", version: "4.0.0", provider: "cpu" });
    expect(answer.output.text).toBe("Hello edgefleet 2026");
    expect(answer.device).toMatchObject({ served: "current", metadata_expired: false });
  });

  it("downloads a one-tensor update as a few blocks, then rolls back to N-1", async () => {
    await registry.publish(await defaultModelDraft("ppocr-rec", "4.0.1", editOneTensor));
    const sync = json<{
      models: Array<{ status: string; previous: string; bytes: { downloaded: number; total: number } }>;
    }>(await edgefleet("device", "sync", "--dir", dir, "--json"));
    expect(sync.models[0]).toMatchObject({ status: "installed", previous: "4.0.0" });
    expect(sync.models[0]?.bytes.downloaded).toBeLessThan((sync.models[0]?.bytes.total ?? 0) / 20);
    const back = json<{ current: { version: string }; previous: { version: string } }>(
      await edgefleet("device", "rollback", "ppocr-rec", "--dir", dir, "--json"),
    );
    expect(back).toMatchObject({ current: { version: "4.0.0" }, previous: { version: "4.0.1" } });
    const status = await edgefleet("device", "status", "--dir", dir);
    expect(status.stdout).toMatch(/ppocr-rec: current 4\.0\.0 .*previous 4\.0\.1.*rolled back from 4\.0\.1/);
  });

  it("refuses tampered metadata in one line, exit 1, naming what keeps running", async () => {
    registry.server.tamper = (request) =>
      new URL(request.url).pathname === "/metadata/timestamp.json" ? new Response("{}") : undefined;
    try {
      const refused = await edgefleet("device", "sync", "--dir", dir);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/^sync refused: BAD_METADATA/);
      expect(refused.stdout).toContain("still running ppocr-rec@4.0.0");
    } finally {
      registry.server.tamper = undefined;
    }
  });
});
