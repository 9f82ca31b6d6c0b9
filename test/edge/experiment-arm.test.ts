// A/B arms on the request path inside workerd: with an experiment in the PoP's catalog Durable
// Object, each user (x-edgefleet-user) gets one arm every time — a cached answer included — the
// answer names its arm and version, the two arms never share a cached answer even when their
// weights are the same bytes, and a bad user id is a 400.
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { Experiment } from "../../shared/monitoring/experiment.ts";
import { untilAnswer, untilCached } from "../support/until-cached.ts";
import { postJson, seedDefaultModels } from "./helpers.ts";

const audio = { model: "silero-vad", input: { audio: Array.from({ length: 1200 }, (_, i) => Math.sin(i / 5) * 0.25) } };
let experiment: Experiment;

beforeAll(async () => {
  const manifests = await seedDefaultModels();
  const vad = manifests.find((m) => m.id === "silero-vad");
  if (!vad) {
    throw new Error("no vad manifest");
  }
  experiment = {
    id: "vad-arms",
    model: vad.id,
    control: vad.version,
    candidate: "9.9.9",
    percent: 50,
    split_by: "user",
  };
  const candidate: ModelManifest = { ...vad, version: "9.9.9" };
  await env.CATALOG.getByName("test").setExperiment(vad.id, JSON.stringify({ experiment, candidate }));
  // The isolate's catalog view is cached for CATALOG_TTL_MS (1 s by default): ask (storing
  // nothing) until an answer names an arm.
  const armed = await untilAnswer(
    () => postJson("/v1/predict", audio, { "x-edgefleet-user": "warm-up", "cache-control": "no-store" }),
    (res) => res.headers.get("x-edgefleet-experiment") !== null,
    "the isolate to see the experiment",
  );
  await armed.arrayBuffer();
});

afterAll(async () => {
  await env.CATALOG.getByName("test").setExperiment("silero-vad", null);
});

const ask = (user: string) => postJson("/v1/predict", audio, { "x-edgefleet-user": user });

describe("experiment arms at the edge", () => {
  it("keeps a user on one arm, cache hits included, and never shares answers across arms", async () => {
    const seen = new Map<string, string[]>();
    const caches: string[] = [];
    const record = async (round: number, user: string, res: Response) => {
      expect(res.status).toBe(200);
      const body = (await res.json()) as { version: string };
      const arm = res.headers.get("x-edgefleet-experiment");
      const version = res.headers.get("x-edgefleet-model-version");
      seen.set(user, [...(seen.get(user) ?? []), `${arm} ${version} ${body.version}`]);
      caches.push(`${round} ${res.headers.get("x-edgefleet-cache")}`);
    };
    const users = Array.from({ length: 16 }, (_, u) => `user-${u}`);
    for (const user of users) {
      await record(0, user, await ask(user));
    }
    // The second round is answered from the cache once each fill has landed: the arm and its version still hold.
    for (const user of users) {
      await record(1, user, await untilCached(() => ask(user)));
    }
    expect(caches.filter((x) => x.startsWith("1 ")).every((x) => x === "1 hit")).toBe(true);
    for (const answers of seen.values()) {
      expect(new Set(answers).size).toBe(1);
      const [arm, version, bodyVersion] = (answers[0] ?? "").split(" ");
      expect(arm?.startsWith("vad-arms/")).toBe(true);
      expect(version).toBe(arm === "vad-arms/candidate" ? "9.9.9" : experiment.control);
      expect(bodyVersion).toBe(version);
    }
    const arms = new Set([...seen.values()].map((a) => a[0]?.split(" ")[0]));
    expect(arms).toEqual(new Set(["vad-arms/control", "vad-arms/candidate"]));
  });

  it("splits by tenant without a user id, and refuses an oversized one", async () => {
    const a = await postJson("/v1/predict", audio);
    const b = await postJson("/v1/predict", audio);
    await a.body?.cancel();
    await b.body?.cancel();
    expect(a.headers.get("x-edgefleet-experiment")).toMatch(/^vad-arms\/(control|candidate)$/);
    expect(b.headers.get("x-edgefleet-experiment")).toBe(a.headers.get("x-edgefleet-experiment"));
    const bad = await postJson("/v1/predict", audio, { "x-edgefleet-user": "u".repeat(300) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("x-edgefleet-user");
  });
});
