// The response cache inside workerd: answers are shared only within a partition (tenant,
// model version, parameters), no-store/no-cache are honoured, and the semantic layer of the
// partition Durable Object matches paraphrases by real USE-lite embeddings.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import { cacheVerdict as cacheStatus, untilAnswer, untilCached } from "../support/until-cached.ts";
import { admin, BASE, postJson, seedDefaultModels } from "./helpers.ts";

const ALICE = { authorization: "Bearer tenant-alice-key" };
const BOB = { authorization: "Bearer tenant-bob-key" };
const audio = { model: "silero-vad", input: { audio: Array.from({ length: 1600 }, (_, i) => Math.sin(i / 9) * 0.3) } };

let manifests: ModelManifest[];

beforeAll(async () => {
  manifests = await seedDefaultModels();
});

// workerd's clock stands still between I/O events: wait until it has moved, so the next step
// (and the Durable Object handling it) gets a later time than the last one.
async function nextInstant(): Promise<void> {
  const before = Date.now();
  await vi.waitFor(
    () => {
      if (Date.now() <= before) {
        throw new Error("the clock has not moved yet");
      }
    },
    { timeout: 5_000, interval: 1 },
  );
}

/** What a client sees of an error answer: its status, its cache verdict and its code. */
async function errorOf(res: Response): Promise<{ status: number; cache: string | null; code: string }> {
  return {
    status: res.status,
    cache: res.headers.get("x-edgefleet-cache"),
    code: ((await res.json()) as { error: { code: string } }).error.code,
  };
}

describe("exact layer through the API", () => {
  it("serves a repeated request from the cache, only to the same tenant", async () => {
    expect(await cacheStatus(await postJson("/v1/predict", audio, ALICE))).toBe("miss");
    // The fill runs after the response: repeat until it has landed (the first cached answer
    // may come from the partition's Durable Object, racing the isolate's own copy).
    const cached = await untilCached(() => postJson("/v1/predict", audio, ALICE));
    expect(await cacheStatus(cached)).toBe("hit");
    const again = await postJson("/v1/predict", audio, ALICE);
    expect(again.headers.get("x-edgefleet-cache")).toBe("hit");
    expect(again.headers.get("x-edgefleet-served-by")).toBe("edge/test");
    // The isolate kept its own fill: no Durable Object round trip for the repeat.
    expect(again.headers.get("server-timing")).toBe("cache-l1");
    expect(((await again.json()) as { model: string }).model).toBe("silero-vad");
    expect(await cacheStatus(await postJson("/v1/predict", audio, BOB))).toBe("miss");
    expect(await cacheStatus(await postJson("/v1/predict", audio))).toBe("miss");
  });

  it("never answers across a parameter change or a new model version", async () => {
    const body = { ...audio, input: { audio: audio.input.audio.slice(0, 800) } };
    expect(await cacheStatus(await postJson("/v1/predict", body, ALICE))).toBe("miss");
    expect(await cacheStatus(await untilCached(() => postJson("/v1/predict", body, ALICE)))).toBe("hit");
    expect(await cacheStatus(await postJson("/v1/predict", { ...body, parameters: { threshold: 0.6 } }, ALICE))).toBe(
      "miss",
    );
    // Publish a new version whose file differs (a field number ONNX does not use, appended to the
    // protobuf: parsers skip it), exactly as a real new version changes the file's sha256.
    const vad = manifests.find((m) => m.id === "silero-vad");
    const file = vad?.files[0];
    if (!vad || !file) {
      throw new Error("no vad manifest");
    }
    const bytes = new Uint8Array(
      await (await env.FIXTURES.fetch(`http://fixtures/blobs/${file.sha256}`)).arrayBuffer(),
    );
    const v2bytes = new Uint8Array([...bytes, 0x98, 0x06, 0x01]);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", v2bytes))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const upload = await SELF.fetch(`${BASE}/admin/blobs/${digest}`, {
      method: "PUT",
      headers: admin(),
      body: v2bytes,
    });
    expect(upload.status).toBe(201);
    const v2 = { ...vad, version: "4.1.0", files: [{ ...file, sha256: digest, size: v2bytes.length }] };
    const put = await SELF.fetch(`${BASE}/admin/models/silero-vad`, {
      method: "PUT",
      headers: { ...admin(), "content-type": "application/json" },
      body: JSON.stringify(v2),
    });
    expect(put.status).toBe(200);
    // The isolate may serve its cached catalog for up to its TTL: repeat until the new version
    // answers. Until then the old version's entry answers (a hit); the first answer from 4.1.0
    // must not be that entry.
    const afterUpgrade = await untilAnswer(
      () => postJson("/v1/predict", body, ALICE),
      (res) => res.headers.get("x-edgefleet-model-version") === "4.1.0",
      "the isolate to serve version 4.1.0",
    );
    expect(await cacheStatus(afterUpgrade)).toBe("miss");
  });

  it("does not read or store with no-store, and refills with no-cache", async () => {
    const stored = { ...audio, input: { audio: audio.input.audio.slice(0, 700) } };
    const refilled = { ...audio, input: { audio: audio.input.audio.slice(0, 650) } };
    const noStore = { ...ALICE, "cache-control": "no-store" };
    const noCache = { ...ALICE, "cache-control": "no-cache" };
    expect(await cacheStatus(await postJson("/v1/predict", stored, noStore))).toBe("bypass");
    // no-cache skips the lookup but fills: the next plain request is answered from the cache.
    expect(await cacheStatus(await postJson("/v1/predict", refilled, noCache))).toBe("miss");
    expect(await cacheStatus(await untilCached(() => postJson("/v1/predict", refilled, ALICE)))).toBe("hit");
    // That later fill of the same partition has landed, so a fill of the no-store answer
    // (sent before it) would have too: the plain request misses.
    expect(await cacheStatus(await postJson("/v1/predict", stored, ALICE))).toBe("miss");
    expect(await cacheStatus(await untilCached(() => postJson("/v1/predict", stored, ALICE)))).toBe("hit");
    // With the entry in place, no-store still does not read it and no-cache still skips it.
    expect(await cacheStatus(await postJson("/v1/predict", stored, noStore))).toBe("bypass");
    expect(await cacheStatus(await postJson("/v1/predict", stored, noCache))).toBe("miss");
  });

  it("never stores an error", async () => {
    const bad = { model: "silero-vad", input: { audio: "not base64!!" } };
    const first = await errorOf(await postJson("/v1/predict", bad, ALICE));
    expect(first.status).toBe(400);
    // A later answer of the same partition has been stored: a fill of the error (sent before
    // it) would have landed by now.
    const later = { ...audio, input: { audio: audio.input.audio.slice(0, 600) } };
    expect(await cacheStatus(await postJson("/v1/predict", later, ALICE))).toBe("miss");
    expect(await cacheStatus(await untilCached(() => postJson("/v1/predict", later, ALICE)))).toBe("hit");
    // The same bad request is judged again, not replayed from the cache (a replay says "hit").
    const second = await errorOf(await postJson("/v1/predict", bad, ALICE));
    expect(second).toEqual(first);
    expect(second.cache).not.toBe("hit");
  });

  it("refuses a threshold below the floor and accepts a stricter one", async () => {
    const low = await postJson("/v1/predict", audio, { ...ALICE, "x-edgefleet-cache-threshold": "0.5" });
    expect(low.status).toBe(400);
    expect(((await low.json()) as { error: { code: string } }).error.code).toBe("cache_threshold_below_floor");
    const high = await postJson("/v1/predict", audio, { ...ALICE, "x-edgefleet-cache-threshold": "0.99" });
    expect(high.status).toBe(200);
  });

  it("caches embeddings by exact input", async () => {
    const body = { model: "use-lite", input: ["cache me if you can"] };
    expect(await cacheStatus(await postJson("/v1/embeddings", body, ALICE))).toBe("miss");
    const hit = await untilCached(() => postJson("/v1/embeddings", body, ALICE));
    expect(hit.headers.get("x-edgefleet-cache")).toBe("hit");
    expect(((await hit.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(
      await cacheStatus(await postJson("/v1/embeddings", { ...body, input: ["cache me if you can!"] }, ALICE)),
    ).toBe("miss");
  });
});

async function embed(texts: string[]): Promise<Float32Array[]> {
  const res = await postJson("/v1/embeddings", { model: "use-lite", input: texts }, { "cache-control": "no-store" });
  return ((await res.json()) as { data: Array<{ embedding: number[] }> }).data.map((d) =>
    Float32Array.from(d.embedding),
  );
}

describe("semantic layer of a partition Durable Object", () => {
  const answer = {
    contentType: "application/json",
    body: '{"answer":"Go to Settings > Security > Reset password."}',
    modelVersion: "1",
  };

  it("answers a paraphrase above the threshold, not an unrelated question, and nothing in another partition", async () => {
    const [stored, paraphrase, unrelated] = await embed([
      "How do I reset my password?",
      "How can I reset my password?",
      "What time does the store open?",
    ]);
    if (!stored || !paraphrase || !unrelated) {
      throw new Error("no vectors");
    }
    const alice = env.SEMCACHE.getByName("partition-alice");
    await alice.put({
      exactKey: "q1",
      semantic: { query: "How do I reset my password?", vector: stored },
      answer,
      ttlMs: 60_000,
      capacity: 100,
    });
    const near = await alice.lookup({
      exactKey: "q2",
      semantic: { query: "How can I reset my password?", vector: paraphrase, threshold: 0.9, verifier: "off" },
    });
    expect(near).toMatchObject({ kind: "semantic", answer: { body: expect.stringContaining("Reset password") } });
    expect(near.kind === "semantic" ? near.similarity : 0).toBeGreaterThan(0.9);
    const far = await alice.lookup({
      exactKey: "q3",
      semantic: { query: "What time does the store open?", vector: unrelated, threshold: 0.9, verifier: "off" },
    });
    expect(far.kind).toBe("miss");
    const bob = env.SEMCACHE.getByName("partition-bob");
    const other = await bob.lookup({
      exactKey: "q1",
      semantic: { query: "How do I reset my password?", vector: stored, threshold: 0.5, verifier: "off" },
    });
    expect(other.kind).toBe("miss");
    expect(await bob.stats()).toMatchObject({ entries: 0 });
  });

  it("a hit keeps its entry from eviction (recency batched in memory, read before evicting)", async () => {
    const p = env.SEMCACHE.getByName("partition-recency");
    for (const key of ["r0", "r1", "r2"]) {
      await p.put({ exactKey: key, answer, ttlMs: 60_000, capacity: 3 });
      await nextInstant();
    }
    expect((await p.lookup({ exactKey: "r0" })).kind).toBe("hit"); // r0 is now the most recent
    await nextInstant();
    await p.put({ exactKey: "r3", answer, ttlMs: 60_000, capacity: 3 });
    expect((await p.lookup({ exactKey: "r1" })).kind).toBe("miss");
    expect((await p.lookup({ exactKey: "r0" })).kind).toBe("hit");
  });

  it("expires entries after their TTL and evicts the least recently used past capacity", async () => {
    const p = env.SEMCACHE.getByName("partition-limits");
    for (let i = 0; i < 5; i++) {
      await p.put({ exactKey: `k${i}`, answer, ttlMs: 60_000, capacity: 3 });
    }
    expect((await p.stats()).entries).toBe(3);
    expect((await p.lookup({ exactKey: "k0" })).kind).toBe("miss");
    expect((await p.lookup({ exactKey: "k4" })).kind).toBe("hit");
    await p.put({ exactKey: "short", answer, ttlMs: 1, capacity: 10 });
    // Expiry is judged on the object's own clock (no clock can be injected through its stub):
    // look until the entry is gone; with the TTL ignored it never goes and this fails.
    await expect
      .poll(async () => (await p.lookup({ exactKey: "short" })).kind, { timeout: 5_000, interval: 5 })
      .toBe("miss");
    expect((await p.lookup({ exactKey: "k4" })).kind).toBe("hit");
  });
});
