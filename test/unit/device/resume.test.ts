// Resumable, verified downloads over real HTTP on loopback (docs/device.md, "How a sync works"):
// a registry whose connections break at many random byte offsets, that changes its ETag in
// the middle of a resume, ignores Range, answers a wrong Content-Range, sends trailing junk,
// tampers with a chunk, or forges block hints. Every time, the installed file hashes right or
// the sync is refused with the shared code — and a refused sync leaves the old model running.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { openDevice } from "../../../device/device.ts";
import { registryApp } from "../../../control/registry/app.ts";
import { answerOf, publishTiny, TINY_INPUT } from "../../support/device-fixture.ts";
import { type FaultyServer, faultyServer } from "../../support/faulty-server.ts";
import { type Keyring, makeKeys, makeRegistry, type TestRegistry } from "../../support/registry-fixture.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { editWeights, expectedOutput, seededWeights, tinyModel } from "../../support/tiny-model.ts";
import { seededRandom } from "../../support/synthetic-vectors.ts";

const FILE = /^\/targets\/.*\/files\//;
const MAX_CHUNK = 256 * 1024;
const noWait = { retryDelayMs: () => 0, maxStalls: 3 };

let keys: Keyring;
let registry: TestRegistry;
let server: FaultyServer;
let v1: Uint8Array;
let v2: Uint8Array;
let y1: number;
let y2: number;
/** Where each chunk of v2 starts in the file. */
const v2Offsets = new Map<string, number>();

/** A small deterministic PRNG in [0, 1), so a failing offset can be replayed. */
function prng(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() + 0.5;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function reset(): void {
  server.cut = undefined;
  server.ignoreRange = undefined;
  server.etag = undefined;
  server.rewrite = undefined;
  server.sent.clear();
  server.cuts = 0;
  server.requests.length = 0;
}

/** Bytes of file targets the server sent. */
function fileBytesSent(): number {
  return [...server.sent].filter(([path]) => FILE.test(path)).reduce((s, [, n]) => s + n, 0);
}

/** The installed model file of the device's current version. */
async function installedModel(dir: string): Promise<Uint8Array> {
  const status = await openDevice({ dir }).status();
  const digest = status.models[0]?.current.manifest_sha256 ?? "";
  return new Uint8Array(await readFile(join(dir, "versions", digest, "model.onnx")));
}

/** A first sync of a fresh device straight to the beta channel's v2, retrying at once. */
function syncFresh(dir: string) {
  return openDevice({ dir }).sync({ server: server.url, models: ["tiny"], channel: "beta", download: noWait });
}

async function deviceAtV1(): Promise<string> {
  const dir = await tempDir("device-v1");
  await openDevice({ dir }).sync({ server: server.url, models: ["tiny"], channel: "latest" });
  return dir;
}

beforeAll(async () => {
  keys = await makeKeys();
  registry = await makeRegistry(keys);
  const app = registryApp({ metadata: registry.metadata, blobs: registry.blobs });
  server = await faultyServer(async (r) => app.fetch(r));
  const w1 = seededWeights(200_000, 3);
  const w2 = editWeights(w1, 120_000, 130_000, 1);
  v1 = tinyModel(w1);
  v2 = tinyModel(w2);
  y1 = expectedOutput(w1);
  y2 = expectedOutput(w2);
  await publishTiny(registry, keys, "tiny", "1.0.0", v1);
  // v2 is a beta: a device on `latest` stays at v1, one on `beta` takes v2.
  const published = await publishTiny(registry, keys, "tiny", "2.0.0-beta.1", v2);
  let offset = 0;
  for (const chunk of published.manifest.files[0]?.chunks ?? []) {
    v2Offsets.set(chunk.sha256, offset);
    offset += chunk.size;
  }
});

afterAll(async () => {
  await server.close();
});

describe("a download cut at random byte offsets", () => {
  it("resumes every cut where it stopped: right hash, ≤ one chunk re-downloaded per cut (1,000 cuts)", async () => {
    const trials: Array<{ cuts: number; sent: number; needed: number }> = [];
    for (let trial = 0; trial < 5; trial++) {
      reset();
      const random = prng(1000 + trial);
      // Each response to a model-file request breaks after 1..8000 bytes: ~200 cuts in 800 KB.
      server.cut = (path) => (FILE.test(path) ? 1 + Math.floor(random() * 8000) : undefined);
      const dir = await tempDir("device-cut");
      const result = await syncFresh(dir);
      expect({ ok: result.ok, models: result.models }).toMatchObject({ ok: true });
      expect(sha256(await installedModel(dir))).toBe(sha256(v2));
      trials.push({ cuts: server.cuts, sent: fileBytesSent(), needed: v2.byteLength });
    }
    const cuts = trials.reduce((s, t) => s + t.cuts, 0);
    const resent = trials.reduce((s, t) => s + (t.sent - t.needed), 0);
    if (process.env.EDGEFLEET_PRINT_RESUME === "1") {
      console.log(`${trials.length} downloads of ${v2.byteLength} B, ${cuts} cuts, ${resent} B sent twice`);
    }
    expect(cuts).toBeGreaterThanOrEqual(1000);
    expect(resent).toBeLessThanOrEqual(cuts * MAX_CHUNK);
    // Byte-exact resume under a strong ETag: in practice nothing is sent twice.
    expect(resent).toBe(0);
  });

  it("restarts instead of splicing when the ETag changes mid-resume", async () => {
    reset();
    let requests = 0;
    // The first answer is cut; from then on the server claims another representation.
    server.etag = (path) => {
      if (!FILE.test(path)) {
        return undefined;
      }
      requests++;
      return requests === 1 ? '"representation-a"' : '"representation-b"';
    };
    server.cut = (path) => (FILE.test(path) && requests === 1 ? 150_000 : undefined);
    const dir = await tempDir("device-etag");
    const result = await syncFresh(dir);
    expect(result.ok).toBe(true);
    expect(result.download.restarts).toBe(1);
    // Only the unverified tail of the cut chunk was thrown away, never spliced.
    expect(result.download.droppedBytes).toBeGreaterThan(0);
    expect(result.download.droppedBytes).toBeLessThanOrEqual(MAX_CHUNK);
    expect(sha256(await installedModel(dir))).toBe(sha256(v2));
  });

  it("takes the chunks it lacks out of a full 200 when the server ignores Range", async () => {
    reset();
    const dir = await deviceAtV1();
    server.ignoreRange = (path) => FILE.test(path);
    const result = await openDevice({ dir }).sync({ channel: "beta", download: noWait, blockDelta: false });
    const model = result.models[0];
    expect({ ok: result.ok, model }).toMatchObject({ ok: true, model: { status: "installed" } });
    expect(model?.chunks.downloaded).toBeLessThan(model?.chunks.total ?? 0);
    expect(result.download.skippedBytes).toBeGreaterThan(0);
    expect(sha256(await installedModel(dir))).toBe(sha256(v2));
  });

  it("does not use a 206 whose Content-Range is not the range asked for", async () => {
    reset();
    let wrong = 1;
    server.rewrite = (path, answer) => {
      if (FILE.test(path) && answer.status === 206 && wrong-- > 0) {
        answer.headers.set("content-range", "bytes 0-99/1");
      }
      return answer;
    };
    server.cut = (path) => (FILE.test(path) && server.cuts === 0 ? 70_000 : undefined);
    const dir = await tempDir("device-content-range");
    const result = await syncFresh(dir);
    expect(result.ok).toBe(true);
    expect(result.download.restarts).toBe(1);
    expect(sha256(await installedModel(dir))).toBe(sha256(v2));
  });
});

describe("integrity", () => {
  it("refuses a tampered chunk (CHUNK_HASH_MISMATCH), stores none of it, and keeps running v1", async () => {
    reset();
    const dir = await deviceAtV1();
    server.rewrite = (path, answer) => {
      if (FILE.test(path) && answer.body.byteLength > 0) {
        answer.body[answer.body.byteLength >> 1] ^= 0xff;
      }
      return answer;
    };
    const device = openDevice({ dir });
    const result = await device.sync({ channel: "beta", download: noWait });
    expect(result.ok).toBe(false);
    expect(result.models[0]?.error?.code).toBe("CHUNK_HASH_MISMATCH");
    // Every chunk kept on disk is exactly what its name says.
    const kept = (await readdir(join(dir, "chunks")).catch(() => [])).filter((n) => !n.startsWith("."));
    const misnamed: string[] = [];
    for (const name of kept) {
      if (sha256(new Uint8Array(await readFile(join(dir, "chunks", name)))) !== name) {
        misnamed.push(name);
      }
    }
    expect(misnamed).toEqual([]);
    const answer = await device.run("tiny", TINY_INPUT);
    expect(answer.version).toBe("1.0.0");
    expect(answerOf(answer.output)).toBeCloseTo(y1, 0);
  });

  it("refuses a body longer than the range it announced (LENGTH_EXCEEDED)", async () => {
    reset();
    const dir = await deviceAtV1();
    server.rewrite = (path, answer) =>
      FILE.test(path) && answer.status === 206
        ? { ...answer, body: new Uint8Array([...answer.body, ...new Uint8Array(4096).fill(7)]), sendLength: false }
        : answer;
    const result = await openDevice({ dir }).sync({ channel: "beta", download: noWait, blockDelta: false });
    expect(result.models[0]?.error?.code).toBe("LENGTH_EXCEEDED");
    expect(result.models[0]?.version).toBe("1.0.0");
  });

  it("survives forged block hints: a chunk guessed wrong fails its hash and is fetched whole", async () => {
    reset();
    const dir = await deviceAtV1();
    // The forger says every block of every changed chunk is what v1 has at that place.
    server.rewrite = (path, answer) => {
      const sha = /^\/chunks\/([0-9a-f]{64})\/blocks$/.exec(path)?.[1];
      const at = sha === undefined ? undefined : v2Offsets.get(sha);
      if (at === undefined) {
        return answer;
      }
      const blocks = answer.body.byteLength / 8;
      const forged = new Uint8Array(answer.body.byteLength);
      for (let i = 0; i < blocks; i++) {
        const old = v1.subarray(at + i * 4096, Math.min(at + (i + 1) * 4096, v1.byteLength));
        forged.set(createHash("sha256").update(old).digest().subarray(0, 8), i * 8);
      }
      return { ...answer, body: forged };
    };
    const device = openDevice({ dir });
    const result = await device.sync({ channel: "beta", download: noWait });
    expect(result.ok).toBe(true);
    expect(result.download.baseMisses).toBeGreaterThan(0);
    expect(sha256(await installedModel(dir))).toBe(sha256(v2));
    expect(answerOf((await device.run("tiny", TINY_INPUT)).output)).toBeCloseTo(y2, 0);
  });
});
