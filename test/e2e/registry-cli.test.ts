// The operator's registry commands as a person runs them: real `edgefleet` processes on a
// real directory. Keys, publish (with --json), idempotent republish, one-line exit-2 errors
// for the usual mistakes, models list/show/verify, a tampered chunk found by verify, and a
// key rotation that verify follows.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultModelSources } from "../../cli/models/default-models.ts";
import { tempDir } from "../support/temp-dir.ts";
import { type CliResult, cliJson, runCli } from "../support/run-cli.ts";

let cwd: string;
let vadPath: string;

function edgefleet(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd });
}

const json = cliJson;

beforeAll(async () => {
  cwd = await tempDir("cli-registry");
  const vad = defaultModelSources().find((s) => s.id === "silero-vad");
  if (!vad) {
    throw new Error("no VAD source");
  }
  vadPath = vad.model;
});

describe("edgefleet keys / publish / models", () => {
  it("initializes keys and publishes a model, then republishing the same bytes changes nothing", async () => {
    const init = json<{ versions: { root: number }; keys: Array<{ role: string }> }>(
      await edgefleet("keys", "init", "--json"),
    );
    expect(init.versions.root).toBe(1);
    expect(init.keys.map((k) => k.role)).toEqual(["root", "targets", "snapshot", "timestamp"]);
    const first = json<{ status: string; chunks: number; uploadedChunks: number }>(
      await edgefleet("publish", vadPath, "--model", "silero-vad", "--version", "4.0.0", "--task", "vad", "--json"),
    );
    expect(first.status).toBe("published");
    expect(first.chunks).toBeGreaterThan(10);
    const again = await edgefleet("publish", vadPath, "--model", "silero-vad", "--version", "4.0.0", "--task", "vad");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already published with this exact content");
  });

  it("refuses the usual mistakes with one line and exit code 2", async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ["publish", vadPath, "--model", "silero-vad", "--version", "4.0.0", "--task", "raw"],
        /already published with different content/,
      ],
      [["publish", vadPath, "--model", "silero-vad", "--version", "4.1"], /not a semantic version/],
      [["publish", "missing.onnx", "--model", "x", "--version", "1.0.0"], /cannot read missing\.onnx: ENOENT/],
      [["publish", vadPath, "--model", "x", "--version", "1.0.0", "--keys", "nowhere"], /no signing keys in nowhere/],
    ];
    for (const [args, message] of cases) {
      const r = await edgefleet(...args);
      expect({ args: args.join(" "), code: r.code }).toEqual({ args: args.join(" "), code: 2 });
      expect(r.stderr.split("\n")[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("lists, shows and verifies what clients will accept; verify finds a tampered chunk", async () => {
    const list = json<{ models: Array<{ id: string; version: string; task: string }> }>(
      await edgefleet("models", "list", "--json"),
    );
    expect(list.models.map((m) => `${m.id}@${m.version} ${m.task}`)).toEqual(["silero-vad@4.0.0 vad"]);
    const show = await edgefleet("models", "show", "silero-vad");
    expect(show.stdout).toContain("silero_vad.onnx");
    const ok = json<{ ok: boolean }>(await edgefleet("models", "verify", "--json"));
    expect(ok.ok).toBe(true);

    const blobs = join(cwd, ".edgefleet/registry/blobs/sha256");
    const [victim] = await readdir(blobs);
    if (!victim) {
      throw new Error("no blobs");
    }
    const original = await readFile(join(blobs, victim));
    const flipped = Buffer.from(original);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await writeFile(join(blobs, victim), flipped);
    const bad = await edgefleet("models", "verify", "--json");
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; versions: Array<{ code: string | null }> };
    expect(report.ok).toBe(false);
    expect(["CHUNK_HASH_MISMATCH", "HASH_MISMATCH"]).toContain(report.versions[0]?.code);
    await writeFile(join(blobs, victim), original);
  });

  it("rotates keys; verify walks to the new root and a new version publishes under it", async () => {
    const rotated = json<{ versions: { root: number }; retired: string[] }>(
      await edgefleet("keys", "rotate", "--role", "root,timestamp", "--json"),
    );
    expect(rotated.versions.root).toBe(2);
    expect(rotated.retired).toHaveLength(2);
    const published = json<{ status: string; parent: string; uploadedChunks: number }>(
      await edgefleet("publish", vadPath, "--model", "silero-vad", "--version", "4.0.1", "--task", "vad", "--json"),
    );
    expect(published).toMatchObject({ status: "published", parent: "4.0.0", uploadedChunks: 0 });
    const verified = json<{ ok: boolean; root: number; versions: unknown[] }>(
      await edgefleet("models", "verify", "--json"),
    );
    expect(verified).toMatchObject({ ok: true, root: 2 });
    expect(verified.versions).toHaveLength(2);
  });
});
