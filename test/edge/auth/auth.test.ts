// API keys at the edge with AUTH on (as in staging and production): no key, a malformed,
// unknown, forged or revoked key is 401; a key without the route's scope is 403; the body
// is the OpenAI error body with a stable code.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, postJson, seedDefaultModels } from "../helpers.ts";
import { bearer, createKey, revokeKey } from "./keys.ts";

const audio = { model: "silero-vad", input: { audio: Array.from({ length: 800 }, (_, i) => Math.sin(i / 7) * 0.2) } };

beforeAll(async () => {
  await seedDefaultModels();
});

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; type: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.type).toBe(status === 401 ? "authentication_error" : "permission_error");
  expect(body.error.message).not.toContain("efk_");
}

describe("authentication on /v1/*", () => {
  it("answers 401 missing_api_key without a key, and 401 invalid_api_key for garbage or a non-Bearer scheme", async () => {
    await expectError(await postJson("/v1/predict", audio), 401, "missing_api_key");
    await expectError(await postJson("/v1/predict", audio, bearer("not-a-key")), 401, "invalid_api_key");
    await expectError(
      await postJson("/v1/predict", audio, { authorization: "Basic dXNlcjpwYXNz" }),
      401,
      "missing_api_key",
    );
    const models = await SELF.fetch(`${BASE}/v1/models`);
    await expectError(models, 401, "missing_api_key");
  });

  it("answers 401 for a well-formed key nobody issued, and for a real key id with a forged secret", async () => {
    const unknown = `efk_0123456789abcdef_${"A".repeat(43)}`;
    await expectError(await postJson("/v1/predict", audio, bearer(unknown)), 401, "invalid_api_key");
    const real = await createKey("acme", ["infer"]);
    const forged = `efk_${real.id}_${"B".repeat(43)}`;
    await expectError(await postJson("/v1/predict", audio, bearer(forged)), 401, "invalid_api_key");
  });

  it("serves a valid infer key, and refuses it with 401 revoked_api_key once revoked", async () => {
    const k = await createKey("acme", ["infer"]);
    const ok = await postJson("/v1/predict", audio, bearer(k.key));
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const revoked = await revokeKey(k.id);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revoked_at?: string }).revoked_at).toBeTruthy();
    await expectError(await postJson("/v1/predict", audio, bearer(k.key)), 401, "revoked_api_key");
  });

  it("refuses a body that is not UTF-8 with 400 invalid_utf8, on routes whose rate limiter reads the text first", async () => {
    const k = await createKey("acme", ["infer"]);
    const bytes = new Uint8Array([...new TextEncoder().encode('{"model":"use-lite","input":"caf'), 0xe9, 0x22, 0x7d]);
    for (const path of ["/v1/embeddings", "/v1/predict"]) {
      const res = await SELF.fetch(`${BASE}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(k.key) },
        body: bytes,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_utf8");
    }
  });

  it("answers 403 insufficient_scope to a key without the infer scope", async () => {
    const publisher = await createKey("acme", ["publish"]);
    await expectError(await postJson("/v1/predict", audio, bearer(publisher.key)), 403, "insufficient_scope");
  });
});

describe("scopes on /admin/*", () => {
  it("keeps operator routes from infer keys (403), and key management from publish keys (403)", async () => {
    const infer = await createKey("acme", ["infer"]);
    const publisher = await createKey("acme", ["publish"]);
    const blob = await SELF.fetch(`${BASE}/admin/blobs/${"0".repeat(64)}`, {
      method: "PUT",
      headers: bearer(infer.key),
      body: new Uint8Array([1]),
    });
    await expectError(blob, 403, "insufficient_scope");
    const create = await SELF.fetch(`${BASE}/admin/keys`, {
      method: "POST",
      headers: { ...bearer(publisher.key), "content-type": "application/json" },
      body: JSON.stringify({ tenant: "acme", scopes: ["admin"] }),
    });
    await expectError(create, 403, "insufficient_scope");
    await expectError(
      await SELF.fetch(`${BASE}/admin/models/silero-vad`, { method: "DELETE", headers: bearer(publisher.key) }),
      403,
      "insufficient_scope",
    );
    await expectError(await SELF.fetch(`${BASE}/admin/keys`), 401, "missing_api_key");
    await expectError(await SELF.fetch(`${BASE}/admin/keys`, { headers: bearer("wrong") }), 401, "invalid_api_key");
  });

  it("lets an operator key manage any tenant's keys, and never shows a key's hash or secret in the list", async () => {
    const operator = await createKey("ops", ["operator"]);
    const res = await SELF.fetch(`${BASE}/admin/keys`, {
      method: "POST",
      headers: { ...bearer(operator.key), "content-type": "application/json" },
      body: JSON.stringify({ tenant: "globex", scopes: ["infer"], name: "ci" }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { key: string; id: string; created_by: string };
    expect(created.key).toMatch(/^efk_[0-9a-f]{16}_/);
    expect(created.created_by).toBe(`key:${operator.id}`);
    const list = await SELF.fetch(`${BASE}/admin/keys?tenant=globex`, { headers: bearer(operator.key) });
    const text = await list.text();
    expect(text).toContain(created.id);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain('"hash"');
    // The bootstrap token still works for operators.
    expect((await SELF.fetch(`${BASE}/admin/keys`, { headers: admin() })).status).toBe(200);
  });
});
