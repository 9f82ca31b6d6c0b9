// The edge verifies every model file's sha256 before onnxruntime sees it, refuses uploads
// whose bytes do not match their digest, and keeps its operator routes closed to strangers.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import { admin, BASE, postJson, seedDefaultModels } from "./helpers.ts";

let manifests: ModelManifest[];

beforeAll(async () => {
  manifests = await seedDefaultModels();
});

function manifestOf(id: string): ModelManifest {
  const m = manifests.find((x) => x.id === id);
  if (!m) {
    throw new Error(`no manifest ${id}`);
  }
  return m;
}

describe("model integrity", () => {
  it("refuses to load a model whose stored bytes were tampered with, and says so with 503", async () => {
    const vad = manifestOf("silero-vad");
    const file = vad.files[0];
    if (!file) {
      throw new Error("manifest without files");
    }
    // Flip one byte of the stored model behind the API's back (a corrupted or tampered bucket).
    const key = `blobs/sha256/${file.sha256}`;
    const object = await env.MODELS.get(key);
    expect(object).not.toBeNull();
    const stored = new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0));
    stored[1000] = (stored[1000] ?? 0) ^ 0xff;
    await env.MODELS.put(key, stored);
    // A fresh version label so no session from earlier tests is reused.
    const tampered = { ...vad, version: "4.0.1" };
    const put = await SELF.fetch(`${BASE}/admin/models/silero-vad`, {
      method: "PUT",
      headers: { ...admin(), "content-type": "application/json" },
      body: JSON.stringify(tampered),
    });
    expect(put.status).toBe(200);
    const res = await postJson("/v1/predict", { model: "silero-vad", input: { audio: [0, 0.1, 0.2] } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("model_integrity_failed");
  });

  it("refuses an upload whose bytes do not hash to the digest in its URL", async () => {
    const digest = "0".repeat(64);
    const res = await SELF.fetch(`${BASE}/admin/blobs/${digest}`, {
      method: "PUT",
      headers: admin(),
      body: new Uint8Array([1, 2, 3]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("digest_mismatch");
    expect(await env.MODELS.head(`blobs/sha256/${digest}`)).toBeNull();
  });

  it("refuses a manifest whose files are not in the store yet (409), or whose id differs from the URL", async () => {
    const rec = manifestOf("ppocr-rec");
    const ghost = { ...rec, id: "ghost", files: rec.files.map((f) => ({ ...f, sha256: "f".repeat(64) })) };
    const headers = { ...admin(), "content-type": "application/json" };
    const missing = await SELF.fetch(`${BASE}/admin/models/ghost`, {
      method: "PUT",
      headers,
      body: JSON.stringify(ghost),
    });
    expect(missing.status).toBe(409);
    const mismatch = await SELF.fetch(`${BASE}/admin/models/other`, {
      method: "PUT",
      headers,
      body: JSON.stringify(rec),
    });
    expect(mismatch.status).toBe(400);
    const invalid = await SELF.fetch(`${BASE}/admin/models/ppocr-rec`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ ...rec, version: "four" }),
    });
    expect(invalid.status).toBe(400);
  });
});

describe("admin routes", () => {
  it("need the admin bearer token", async () => {
    const none = await SELF.fetch(`${BASE}/admin/models/silero-vad`, { method: "DELETE" });
    expect(none.status).toBe(401);
    const wrong = await SELF.fetch(`${BASE}/admin/models/silero-vad`, {
      method: "DELETE",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
  });

  it("remove a model, after which it is unknown", async () => {
    const del = await SELF.fetch(`${BASE}/admin/models/ppocr-det`, { method: "DELETE", headers: admin() });
    expect(del.status).toBe(204);
    const res = await postJson("/v1/predict", { model: "ppocr-det", input: { image: "aGVsbG8gd29ybGQ=" } });
    expect(res.status).toBe(404);
  });

  it("warm a model on request and report it loaded on wasm", async () => {
    const res = await SELF.fetch(`${BASE}/v1/models/ppocr-rec/warm`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "ppocr-rec", provider: "wasm", runtime: "ort-web" });
    const health = await SELF.fetch(`${BASE}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok", pop: "test" });
    const ready = await SELF.fetch(`${BASE}/readyz`);
    expect(ready.status).toBe(200);
  });
});
