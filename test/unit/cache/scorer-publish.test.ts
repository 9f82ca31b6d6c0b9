// A cache scorer as a registry model, without a network: the checks a scorer file passes before
// it is published or installed, where `edgefleet cache publish` takes it from (file or control
// plane over loopback HTTP), its manifest, and the PoP side's install (checked bytes, tenant).
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readScorerInput } from "../../../cli/cache/scorer-input.ts";
import { UserError } from "../../../cli/output.ts";
import { ScorerAwareWarmer, ScorerInstallingCatalog } from "../../../edge/cache/scorer-rollout.ts";
import { MemoryTenantScorers } from "../../../edge/cache/tenant-scorers.ts";
import { CacheTraining } from "../../../control/cache-training/cache-training.ts";
import { cacheTrainingRoutes } from "../../../control/cache-training/routes.ts";
import {
  parseScorerFile,
  scorerBytes,
  scorerDraft,
  scorerModelId,
  ScorerFileError,
} from "../../../shared/cache/scorer/published-scorer.ts";
import { defaultScorer } from "../../../shared/cache/scorer/scorer-model.ts";
import { sha256Hex } from "../../../shared/crypto/sha256.ts";
import { type ModelManifest, ModelManifestSchema } from "../../../shared/manifest/model-manifest.ts";
import { MemoryBlobStore } from "../../../shared/storage/memory-blob-store.ts";
import { MemoryModelCatalog } from "../../../shared/storage/memory-model-catalog.ts";
import type { Warmer } from "../../../shared/sync/agent.ts";
import { makeKeys, makeRegistry } from "../../support/registry-fixture.ts";
import { operatorPairs } from "../../support/scorer-pairs.ts";
import { floorScorer, publishScorer } from "../../support/scorer-versions.ts";
import { tempDir } from "../../support/temp-dir.ts";

const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const draftManifest = (task: string, role: string, name: string) => ({
  schema: "edgefleet.model/v1",
  id: "m",
  version: "1.0.0",
  task,
  io: {
    inputs: [{ name: "x", dtype: "float32", shape: [1] }],
    outputs: [{ name: "y", dtype: "float32", shape: [1] }],
  },
  files: [{ name, role, sha256: "a".repeat(64), size: 10 }],
});

const pass = async (_c: unknown, next: () => Promise<void>) => next();

const deny = async () =>
  new Response(JSON.stringify({ error: { message: "no", type: "x", code: "invalid_token" } }), { status: 401 });

const refusal = (args: Parameters<typeof readScorerInput>[0]) =>
  readScorerInput(args).then(
    () => "accepted",
    (e: unknown) => (e instanceof UserError ? e.message : `not a user error: ${String(e)}`),
  );

async function staged(scorerTenant: string, idTenant: string, tamper = false) {
  const scorer = await floorScorer(scorerTenant, 0.8);
  const draft = scorerDraft(scorer, "1.0.0");
  const bytes = scorerBytes(scorer);
  const sha256 = await sha256Hex(bytes);
  const manifest = ModelManifestSchema.parse({
    ...draft,
    schema: "edgefleet.model/v1",
    id: scorerModelId(idTenant),
    private_to: [idTenant],
    files: [{ name: "cache-scorer.json", role: "config", sha256, size: bytes.length }],
  });
  const blobs = new MemoryBlobStore();
  await blobs.put(sha256, tamper ? scorerBytes({ ...scorer, threshold: 0.01 }) : bytes);
  return { scorer, manifest, blobs };
}

describe("parseScorerFile", () => {
  it("accepts a tenant's scorer and refuses what a PoP must not install, saying why", async () => {
    const scorer = await floorScorer("acme", 0.8);
    expect(await parseScorerFile(scorerBytes(scorer), "acme")).toEqual(scorer);
    expect(await parseScorerFile(scorerBytes(scorer), undefined)).toEqual(scorer);
    const cases: Array<[Uint8Array, string | undefined, RegExp]> = [
      [new TextEncoder().encode("{not json"), "acme", /not JSON/],
      [
        bytesOf({ ...scorer, weights: [] }),
        "acme",
        /not an edgefleet\.cache-scorer\/v1 scorer: .*one weight per feature/,
      ],
      [bytesOf(defaultScorer(0.953)), undefined, /names no tenant/],
      [scorerBytes(scorer), "globex", /trained for tenant acme, not globex/],
      [bytesOf({ ...scorer, threshold: 0.1 }), "acme", /version sha256:[0-9a-f]{16} is not the hash of its content/],
    ];
    for (const [bytes, tenant, message] of cases) {
      const error = await parseScorerFile(bytes, tenant).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScorerFileError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe("the scorer's manifest", () => {
  it("is task cache-scorer, private to the tenant, one config file, and publishes signed", async () => {
    const scorer = await floorScorer("acme", 0.8);
    const keys = await makeKeys();
    const registry = await makeRegistry(keys);
    const result = await publishScorer(registry, keys, scorer, "1.0.0");
    expect(result.status).toBe("published");
    expect(result.manifest).toMatchObject({
      id: "cache-scorer.acme",
      version: "1.0.0",
      task: "cache-scorer",
      private_to: ["acme"],
      settings: { scorer_version: scorer.version },
    });
    expect(result.manifest.files.map((f) => [f.name, f.role])).toEqual([["cache-scorer.json", "config"]]);
    expect(result.manifest.files[0]?.sha256).toBe(await sha256Hex(scorerBytes(scorer)));
    // The same scorer at the same version again: nothing changes.
    expect((await publishScorer(registry, keys, scorer, "1.0.0")).status).toBe("unchanged");
  });

  it("the schema keeps scorers and ONNX models apart", () => {
    expect(ModelManifestSchema.safeParse(draftManifest("cache-scorer", "config", "cache-scorer.json")).success).toBe(
      true,
    );
    expect(ModelManifestSchema.safeParse(draftManifest("cache-scorer", "model", "model.onnx")).success).toBe(false);
    expect(ModelManifestSchema.safeParse(draftManifest("raw", "config", "cache-scorer.json")).success).toBe(false);
  });

  it("a tenant too long for a model id is refused", () => {
    expect(scorerModelId("acme")).toBe("cache-scorer.acme");
    expect(() => scorerModelId("t".repeat(52))).toThrow(/does not make a model id/);
  });
});

describe("edgefleet cache publish: where the scorer comes from", () => {
  let server: Server;
  let url: string;
  const training = new CacheTraining();

  beforeAll(async () => {
    const app = cacheTrainingRoutes(training, { edge: pass, operator: pass });
    app.get("/locked/v1/cache-training/:tenant/scorer", deny);
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server?.close();
  });

  it("refuses a missing, doubled or mismatched source with one line", async () => {
    const dir = await tempDir("scorer-input");
    const file = join(dir, "cache-scorer.json");
    await writeFile(file, scorerBytes(await floorScorer("acme", 0.8)));
    expect(await refusal({})).toMatch(/name the scorer: --scorer/);
    expect(await refusal({ scorer: file, fromControl: url })).toMatch(/name the scorer/);
    expect(await refusal({ fromControl: url })).toMatch(/--from-control needs --tenant/);
    expect(await refusal({ scorer: join(dir, "missing.json") })).toMatch(/cannot read .*missing\.json: ENOENT/);
    expect(await refusal({ scorer: file, tenant: "globex" })).toMatch(
      /cache-scorer\.json: the scorer was trained for tenant acme, not globex/,
    );
    expect((await readScorerInput({ scorer: file, tenant: "acme" })).scorer.tenant).toBe("acme");
  });

  it("takes the control plane's active scorer only once a retrain promoted one", async () => {
    expect(await refusal({ fromControl: url, tenant: "acme" })).toMatch(/no tuned scorer for tenant acme yet/);
    expect(await refusal({ fromControl: `${url}/locked`, tenant: "acme" })).toMatch(/answered 401/);
    expect(await refusal({ fromControl: "http://127.0.0.1:1", tenant: "acme" })).toMatch(
      /cannot reach the control plane/,
    );
    training.addPairs("acme", operatorPairs(3));
    const retrained = await training.retrain("acme");
    expect(retrained.promoted).toBe(true);
    const input = await readScorerInput({ fromControl: url, tenant: "acme" });
    expect(input.scorer).toEqual(training.active("acme"));
    expect(input.source).toBe(`${url}/v1/cache-training/acme/scorer`);
  });
});

describe("the PoP's install of a rolled-out scorer", () => {
  const engineCalls: string[] = [];
  const engine: Warmer = {
    warm: async (m) => void engineCalls.push(`warm ${m.id}`),
    release: (m) => void engineCalls.push(`release ${m.id}`),
  };

  it("installs a checked scorer for its tenant and records the version; ONNX models go to the engine", async () => {
    const { scorer, manifest, blobs } = await staged("acme", "acme");
    const scorers = new MemoryTenantScorers();
    const inner = new MemoryModelCatalog();
    const warmer = new ScorerAwareWarmer(engine, blobs);
    const catalog = new ScorerInstallingCatalog(inner, blobs, scorers);
    await warmer.warm(manifest);
    await catalog.set(manifest);
    expect(await scorers.get("acme")).toEqual(scorer);
    expect((await catalog.get(manifest.id))?.version).toBe("1.0.0");
    warmer.release(manifest);
    const onnx = { ...manifest, id: "mlp", task: "raw" } as ModelManifest;
    await warmer.warm(onnx);
    warmer.release(onnx);
    expect(engineCalls).toEqual(["warm mlp", "release mlp"]);
  });

  it("refuses bytes that do not match the signed sha256, and a scorer of another tenant", async () => {
    const tampered = await staged("acme", "acme", true);
    await expect(new ScorerAwareWarmer(engine, tampered.blobs).warm(tampered.manifest)).rejects.toThrow(
      /does not match its signed sha256/,
    );
    const foreign = await staged("globex", "acme");
    const scorers = new MemoryTenantScorers();
    const catalog = new ScorerInstallingCatalog(new MemoryModelCatalog(), foreign.blobs, scorers);
    await expect(catalog.set(foreign.manifest)).rejects.toThrow(/trained for tenant globex, not acme/);
    expect(await scorers.get("acme")).toBeUndefined();
    expect(await catalog.get(foreign.manifest.id)).toBeUndefined();
  });
});
