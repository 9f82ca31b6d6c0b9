// Who may administer what (docs/security.md, "Authority"): a tenant's `admin` key acts on its own
// tenant only (403 tenant_forbidden elsewhere) and never on fleet routes; an `operator` key and
// the bootstrap token act on every tenant; the bootstrap token administers but never runs
// inference; a tenant admin cannot mint a key with more authority than its own.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, postJson } from "../helpers.ts";
import { bearer, createKey, type CreatedKey, errorCode } from "./keys.ts";

let acmeAdmin: CreatedKey;
let globexInfer: CreatedKey;
let operator: CreatedKey;

beforeAll(async () => {
  acmeAdmin = await createKey("acme", ["admin"]);
  globexInfer = await createKey("globex", ["infer"]);
});

function call(method: string, path: string, key: string, body?: unknown): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...bearer(key), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** `<status> <error.code>` of an answer (the whole body when it is not an error body), to compare at once. */
async function refusal(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return `${res.status} ${(JSON.parse(text) as { error: { code: string } }).error.code}`;
  } catch {
    return `${res.status} ${text}`;
  }
}

/** A scorer JSON naming `tenant`: the route's own tenant check would refuse any other. */
const scorerFor = (tenant: string) => ({ tenant, version: "t-1" });

describe("a tenant admin stays inside its tenant", () => {
  it("answers 403 tenant_forbidden on every admin route that names another tenant", async () => {
    const key = acmeAdmin.key;
    const attempts: Array<[string, string, unknown?]> = [
      ["POST", "/admin/keys", { tenant: "globex", scopes: ["infer"] }],
      ["GET", "/admin/keys?tenant=globex"],
      ["DELETE", `/admin/keys/${globexInfer.id}`],
      ["GET", "/admin/tenants/globex"],
      ["PUT", "/admin/tenants/globex", { cache_verifier: "off" }],
      ["GET", "/admin/cache-scorers/globex"],
      ["PUT", "/admin/cache-scorers/globex", scorerFor("globex")],
      ["DELETE", "/admin/cache-scorers/globex"],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await refusal(await call(method, path, key, body));
      expect(`${method} ${path}: ${answer}`).toBe(`${method} ${path}: 403 tenant_forbidden`);
    }
    // Nothing happened to globex: its key still works and its settings are untouched.
    const stillThere = await postJson("/v1/predict", { model: "no-such-model", input: {} }, bearer(globexInfer.key));
    expect(stillThere.status).toBe(404);
    const settings = await SELF.fetch(`${BASE}/admin/tenants/globex`, { headers: admin() });
    expect(((await settings.json()) as { settings: object }).settings).toEqual({});
  });

  it("lists only its own tenant's keys when it names no tenant", async () => {
    const res = await call("GET", "/admin/keys", acmeAdmin.key);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: Array<{ id: string; tenant: string }> };
    expect(data.map((k) => k.id)).toContain(acmeAdmin.id);
    expect(data.every((k) => k.tenant === "acme")).toBe(true);
  });

  it("cannot mint a key with more authority than its own (operator, publish)", async () => {
    for (const scopes of [["operator"], ["publish"], ["infer", "operator"]]) {
      expect(await refusal(await call("POST", "/admin/keys", acmeAdmin.key, { tenant: "acme", scopes }))).toBe(
        "403 scope_not_grantable",
      );
    }
  });

  it("answers 403 insufficient_scope on fleet routes: publishing, removing models, sync, faults", async () => {
    const key = acmeAdmin.key;
    const blob = await SELF.fetch(`${BASE}/admin/blobs/${"0".repeat(64)}`, {
      method: "PUT",
      headers: bearer(key),
      body: new Uint8Array([1]),
    });
    expect(await refusal(blob)).toBe("403 insufficient_scope");
    expect(await refusal(await call("PUT", "/admin/models/x", key, { id: "x" }))).toBe("403 insufficient_scope");
    expect(await refusal(await call("DELETE", "/admin/models/x", key))).toBe("403 insufficient_scope");
    expect(await refusal(await call("POST", "/admin/sync", key))).toBe("403 insufficient_scope");
    expect(await refusal(await call("PUT", "/admin/faults/x", key, { version: "1.0.0", error_rate: 1 }))).toBe(
      "403 insufficient_scope",
    );
  });

  it("still manages its own keys and settings", async () => {
    const created = await call("POST", "/admin/keys", acmeAdmin.key, { tenant: "acme", scopes: ["infer"] });
    expect(created.status).toBe(201);
    const infer = (await created.json()) as CreatedKey & { created_by: string };
    expect(infer.created_by).toBe(`key:${acmeAdmin.id}`);
    expect((await postJson("/v1/predict", { model: "no-such-model", input: {} }, bearer(infer.key))).status).toBe(404);
    const deputy = await call("POST", "/admin/keys", acmeAdmin.key, { tenant: "acme", scopes: ["admin"] });
    expect(deputy.status).toBe(201);
    const listed = await call("GET", "/admin/keys?tenant=acme", acmeAdmin.key);
    expect(await listed.text()).toContain(infer.id);
    const put = await call("PUT", "/admin/tenants/acme", acmeAdmin.key, { cache_verifier: "off" });
    expect(put.status).toBe(200);
    const got = await call("GET", "/admin/tenants/acme", acmeAdmin.key);
    expect(((await got.json()) as { settings: object }).settings).toEqual({ cache_verifier: "off" });
    expect((await call("GET", "/admin/cache-scorers/acme", acmeAdmin.key)).status).toBe(200);
    expect((await call("DELETE", `/admin/keys/${infer.id}`, acmeAdmin.key)).status).toBe(200);
    expect((await postJson("/v1/predict", { model: "no-such-model", input: {} }, bearer(infer.key))).status).toBe(401);
  });

  it("is rate limited on /admin/* by its own limits", async () => {
    const limited = await createKey("acme", ["admin"], { requests_per_minute: 3, tokens_per_minute: 1000 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await call("GET", "/admin/tenants/acme", limited.key)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});

describe("operators act on every tenant", () => {
  beforeAll(async () => {
    operator = await createKey("ops", ["operator"]);
  });

  it("lets an operator key create, list and revoke any tenant's keys and set any tenant's settings", async () => {
    const created = await call("POST", "/admin/keys", operator.key, { tenant: "globex", scopes: ["admin"] });
    expect(created.status).toBe(201);
    const globexAdmin = (await created.json()) as CreatedKey;
    expect(globexAdmin.tenant).toBe("globex");
    const list = await call("GET", "/admin/keys?tenant=globex", operator.key);
    expect(await list.text()).toContain(globexAdmin.id);
    expect((await call("PUT", "/admin/tenants/initech", operator.key, { cache_verifier: "rules" })).status).toBe(200);
    expect((await call("GET", "/admin/cache-scorers/initech", operator.key)).status).toBe(200);
    expect((await call("DELETE", `/admin/keys/${globexAdmin.id}`, operator.key)).status).toBe(200);
    // And may mint another operator.
    const second = await call("POST", "/admin/keys", operator.key, { tenant: "ops", scopes: ["operator"] });
    expect(second.status).toBe(201);
  });

  it("lets the bootstrap token mint a tenant's first admin key", async () => {
    const first = await SELF.fetch(`${BASE}/admin/keys`, {
      method: "POST",
      headers: { ...admin(), "content-type": "application/json" },
      body: JSON.stringify({ tenant: "umbrella", scopes: ["admin"] }),
    });
    expect(first.status).toBe(201);
    const key = ((await first.json()) as CreatedKey).key;
    expect((await call("POST", "/admin/keys", key, { tenant: "umbrella", scopes: ["infer"] })).status).toBe(201);
    expect(await refusal(await call("GET", "/admin/tenants/acme", key))).toBe("403 tenant_forbidden");
  });
});

describe("the bootstrap token administers and never runs inference", () => {
  it("answers 403 bootstrap_token_not_for_inference on /v1/*", async () => {
    const predict = await postJson("/v1/predict", { model: "silero-vad", input: {} }, admin());
    expect(predict.status).toBe(403);
    expect(await errorCode(predict)).toBe("bootstrap_token_not_for_inference");
    const models = await SELF.fetch(`${BASE}/v1/models`, { headers: admin() });
    expect(models.status).toBe(403);
    expect(await errorCode(models)).toBe("bootstrap_token_not_for_inference");
  });
});
