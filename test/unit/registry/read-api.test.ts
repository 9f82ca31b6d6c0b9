// The registry's read API over real HTTP on loopback: strong ETags, 304 on If-None-Match,
// single ranges (206) for resumable downloads, If-Range that restarts from zero when the
// representation changed, 416 past the end — including on model files assembled from chunks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { sha256Hex } from "../../../shared/crypto/sha256.ts";
import { fileTarget, manifestTarget } from "../../../shared/registry/layout.ts";
import { type RegistryServer, startRegistry, type TestRegistry } from "../../support/registry-fixture.ts";
import { rawDraft } from "../../support/raw-draft.ts";

let registry: TestRegistry;
let server: RegistryServer;
let model: Uint8Array;
let modelSha: string;
let chunkSha: string;
let manifestSha: string;

beforeAll(async () => {
  const loopback = await startRegistry();
  ({ registry, server } = loopback);
  // 1 MB of varied bytes: several content-defined chunks.
  model = new Uint8Array(1_000_000).map((_, i) => (i * 2_654_435_761) >>> 24);
  const result = await loopback.publish(rawDraft("ranged", "1.0.0", "model.onnx", model));
  manifestSha = result.manifestSha256;
  modelSha = await sha256Hex(model);
  const first = result.manifest.files[0]?.chunks?.[0];
  if (!first || (result.manifest.files[0]?.chunks?.length ?? 0) < 3) {
    throw new Error("expected at least 3 chunks");
  }
  chunkSha = first.sha256;
});

afterAll(async () => {
  await server.close();
});

/** Byte equality without vitest's element-by-element diff (slow on megabytes). */
function same(a: ArrayBuffer | Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(new Uint8Array(a), b) === 0;
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
const modelPath = () => `/targets/ranged/1.0.0/files/${modelSha}.model.onnx`;

describe("metadata", () => {
  it("serves versioned metadata as immutable, timestamp as no-cache, both with strong ETags", async () => {
    const ts = await get("/metadata/timestamp.json");
    expect(ts.status).toBe(200);
    expect(ts.headers.get("cache-control")).toBe("no-cache");
    const body = new Uint8Array(await ts.arrayBuffer());
    expect(ts.headers.get("etag")).toBe(`"${await sha256Hex(body)}"`);
    const again = await get("/metadata/timestamp.json", { "if-none-match": ts.headers.get("etag") ?? "" });
    expect(again.status).toBe(304);
    const root = await get("/metadata/1.root.json");
    expect(root.headers.get("cache-control")).toContain("immutable");
    expect((await get("/metadata/../keys.json")).status).toBe(404);
    expect((await get("/metadata/secrets.json")).status).toBe(404);
    expect((await get("/metadata/9.root.json")).status).toBe(404);
  });
});

describe("targets and chunks", () => {
  it("serves the manifest by its hash-prefixed path, and nothing under a wrong hash", async () => {
    const ok = await get(
      `/targets/${manifestTarget("ranged", "1.0.0").replace("manifest.json", `${manifestSha}.manifest.json`)}`,
    );
    expect(ok.status).toBe(200);
    expect(await sha256Hex(new Uint8Array(await ok.arrayBuffer()))).toBe(manifestSha);
    const wrong = await get(`/targets/ranged/1.0.0/${"0".repeat(64)}.manifest.json`);
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect(fileTarget("ranged", "1.0.0", "model.onnx")).toBe("ranged/1.0.0/files/model.onnx");
  });

  it("assembles a model file from its chunks, whole and by range across chunk boundaries", async () => {
    const whole = await get(modelPath());
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-length")).toBe(String(model.byteLength));
    expect(whole.headers.get("etag")).toBe(`"${modelSha}"`);
    expect(same(await whole.arrayBuffer(), model)).toBe(true);

    const part = await get(modelPath(), { range: "bytes=100000-699999" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100000-699999/${model.byteLength}`);
    expect(same(await part.arrayBuffer(), model.subarray(100_000, 700_000))).toBe(true);

    const tail = await get(modelPath(), { range: "bytes=-10" });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(model.subarray(model.byteLength - 10));
  });

  it("resumes only while the ETag still matches (If-Range), and answers 416 past the end", async () => {
    const resumed = await get(modelPath(), { range: "bytes=500000-", "if-range": `"${modelSha}"` });
    expect(resumed.status).toBe(206);
    expect(same(await resumed.arrayBuffer(), model.subarray(500_000))).toBe(true);
    const changed = await get(modelPath(), { range: "bytes=500000-", "if-range": `"${"f".repeat(64)}"` });
    expect(changed.status).toBe(200);
    expect((await changed.arrayBuffer()).byteLength).toBe(model.byteLength);
    const weak = await get(modelPath(), { range: "bytes=500000-", "if-range": `W/"${modelSha}"` });
    expect(weak.status).toBe(200);
    await weak.arrayBuffer();
    const past = await get(modelPath(), { range: `bytes=${model.byteLength}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${model.byteLength}`);
  });

  it("serves a chunk by digest with ranges and HEAD", async () => {
    const chunk = await registry.blobs.get(chunkSha);
    const res = await get(`/chunks/${chunkSha}`, { range: "bytes=0-99" });
    expect(res.status).toBe(206);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(chunk?.subarray(0, 100));
    const head = await fetch(`${server.url}/chunks/${chunkSha}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(chunk?.byteLength));
    expect((await get(`/chunks/${"a".repeat(64)}`)).status).toBe(404);
  });

  it("never sends more than Content-Length when a stored chunk is longer than the manifest says", async () => {
    const chunk = (await registry.blobs.get(chunkSha)) ?? new Uint8Array();
    // Corrupt the store behind the registry's back: the first chunk grows by 1,000 bytes.
    const grown = new Uint8Array(chunk.byteLength + 1000);
    grown.set(chunk);
    await writeFile(`${registry.dir}/blobs/sha256/${chunkSha}`, grown);
    const res = await get(modelPath());
    const declared = Number(res.headers.get("content-length"));
    const received = await res.arrayBuffer().then(
      (b) => b.byteLength,
      () => 0,
    );
    expect(declared).toBe(model.byteLength);
    expect(received).toBeLessThan(declared);
    await writeFile(`${registry.dir}/blobs/sha256/${chunkSha}`, chunk);
  });
});
