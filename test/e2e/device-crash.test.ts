// Crash safety of a device update (docs/device.md, "The install protocol"): a real sync process, on real
// files with real fsyncs, is killed with SIGKILL right after its k-th filesystem step — every
// write, fsync, rename, directory fsync, unlink, and the pointer flip — for every k. After
// each kill the device must run the old (v1) or the new (v2) model, fully verified, never a
// partial one; N-1 must still be installed and verify; the switch from v1 to v2 must happen
// exactly at the pointer's rename; and the next sync must finish the update.
import { spawn } from "node:child_process";
import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDevice } from "../../device/device.ts";
import type { FsStep } from "../../adapters/node/fs-steps.ts";
import { bundleChild } from "../support/bundle-child.ts";
import { answerOf, publishTiny, TINY_INPUT } from "../support/device-fixture.ts";
import { makeKeys, makeRegistry, type RegistryServer, serveRegistry } from "../support/registry-fixture.ts";
import { tempDir } from "../support/temp-dir.ts";
import { editWeights, expectedOutput, seededWeights, tinyModel } from "../support/tiny-model.ts";

/** Children at once, on 2 cores. */
const PARALLEL = 3;

let child: string;
let server: RegistryServer;
let work: string;
let base: string;
const answers: Record<"v0" | "v1" | "v2", number> = { v0: 0, v1: 0, v2: 0 };

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(dir: string, crashAfter: number, log?: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = [child, dir, server.url, "tiny", String(crashAfter), ...(log ? [log] : [])];
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.once("error", reject);
    proc.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function whichVersion(y: number): "v0" | "v1" | "v2" | "unknown" {
  const hit = (Object.keys(answers) as Array<"v0" | "v1" | "v2">).find((v) => Math.abs(answers[v] - y) < 0.5);
  return hit ?? "unknown";
}

beforeAll(async () => {
  // The real sync code, bundled once: each child then starts in a fraction of tsx's time.
  child = await bundleChild(join(process.cwd(), "test/support/device-sync-child.ts"));
  const keys = await makeKeys();
  const registry = await makeRegistry(keys);
  server = await serveRegistry(registry);
  work = await tempDir("device-crash");
  const w0 = seededWeights(100_000, 11);
  const w1 = editWeights(w0, 10_000, 14_000, 1);
  const w2 = editWeights(w1, 60_000, 66_000, 1);
  answers.v0 = expectedOutput(w0);
  answers.v1 = expectedOutput(w1);
  answers.v2 = expectedOutput(w2);
  // The device before the update: v1 current, v0 as N-1.
  base = join(work, "base");
  const device = openDevice({ dir: base });
  await publishTiny(registry, keys, "tiny", "1.0.0", tinyModel(w0));
  await device.sync({ server: server.url, models: ["tiny"] });
  await publishTiny(registry, keys, "tiny", "1.1.0", tinyModel(w1));
  await device.sync();
  await publishTiny(registry, keys, "tiny", "1.2.0", tinyModel(w2));
});

afterAll(async () => {
  await server.close();
});

/** What the device runs and holds after a crash, checked as a restarted device would. */
async function inspect(dir: string) {
  const device = openDevice({ dir });
  const answer = await device.run("tiny", TINY_INPUT);
  const status = await device.status({ verify: true });
  const model = status.models[0];
  return {
    runs: whichVersion(answerOf(answer.output)),
    served: answer.device.served,
    current: model?.current.version,
    previous: model?.previous?.version,
    verified: model?.verified,
  };
}

describe("device sync killed after every filesystem step", () => {
  it("always leaves the old or the new verified model, with N-1, and the next sync completes", async () => {
    // A full run first, recording every step the sync takes.
    const dry = join(work, "dry");
    await cp(base, dry, { recursive: true });
    const log = join(work, "steps.jsonl");
    const full = await runChild(dry, 0, log);
    expect({ code: full.code, stderr: full.stderr }).toMatchObject({ code: 0 });
    const steps = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as FsStep);
    const flip = steps.findIndex((s) => s.kind === "rename" && s.path.endsWith("pointer.tiny.json")) + 1;
    const kinds = new Set(steps.map((s) => s.kind));
    // A sync that installs a version and lets N-2 go takes every kind of step.
    expect([...kinds].toSorted()).toEqual(["dir-fsync", "fsync", "mkdir", "rename", "rmdir", "unlink", "write"]);
    expect(flip).toBeGreaterThan(0);
    expect(await inspect(dry)).toMatchObject({ runs: "v2", current: "1.2.0", previous: "1.1.0" });

    const outcomes: Array<{ k: number; step: FsStep; runs: string; current: string | undefined }> = [];
    const points = steps.map((_, i) => i + 1);
    for (let i = 0; i < points.length; i += PARALLEL) {
      await Promise.all(
        points.slice(i, i + PARALLEL).map(async (k) => {
          const dir = join(work, `crash-${k}`);
          await cp(base, dir, { recursive: true });
          const killed = await runChild(dir, k);
          expect({ k, signal: killed.signal, stderr: killed.stderr }).toMatchObject({ k, signal: "SIGKILL" });
          const after = await inspect(dir);
          const step = steps[k - 1] as FsStep;
          outcomes.push({ k, step, runs: after.runs, current: after.current });
          // Old or new, fully verified, with its N-1 present and verified too.
          const expected =
            k < flip
              ? { runs: "v1", served: "current", current: "1.1.0", previous: "1.0.0" }
              : { runs: "v2", served: "current", current: "1.2.0", previous: "1.1.0" };
          expect({ killedAfter: step, ...after }).toMatchObject({
            killedAfter: step,
            ...expected,
            verified: { current: true, previous: true },
          });
          // A restarted device finishes the update, and nothing of the crash is left behind.
          const device = openDevice({ dir });
          const resumed = await device.sync();
          expect(resumed.ok).toBe(true);
          expect(whichVersion(answerOf((await device.run("tiny", TINY_INPUT)).output))).toBe("v2");
          expect(await readdir(join(dir, "staging")).catch(() => [])).toEqual([]);
          expect(await readdir(join(dir, "chunks")).catch(() => [])).toEqual([]);
          expect((await readdir(join(dir, "versions"))).length).toBe(2);
        }),
      );
    }
    expect(outcomes.length).toBe(steps.length);
    const table = outcomes
      .toSorted((a, b) => a.k - b.k)
      .map((o) => `${String(o.k).padStart(3)} ${o.step.kind.padEnd(9)} ${o.step.path.slice(work.length)} → ${o.runs}`);
    if (process.env.EDGEFLEET_PRINT_CRASH_TABLE === "1") {
      console.log(table.join("\n"));
    }
  });
});
