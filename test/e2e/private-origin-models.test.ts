// A model private to a tenant stays private when only origins serve it: through a Node PoP with
// keys on (the same edge app as the Worker), another tenant gets the 404 of a model that does
// not exist — on predict and chat, with nothing forwarded — while the owner is served, and the
// origin learns the tenant from the edge, never from a header the client sent. Chat is capped
// at the edge and its completion allowance comes out of the tenant's token bucket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningNodePop, startNodePop } from "../../edge/node/node-pop.ts";
import { silentLogger } from "../../shared/log.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "private-origin-admin";
let pop: RunningNodePop;
let origin: FakeOrigin;
let acme: string;
let globex: string;

async function createKey(tenant: string, limits?: { requests_per_minute: number; tokens_per_minute: number }) {
  const res = await fetch(`${pop.url}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ tenant, scopes: ["infer"], ...(limits ? { limits } : {}) }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

function post(path: string, key: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${pop.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...extra },
    body: JSON.stringify(body),
  });
}

const predictBody = (model: string) => ({ model, input: { text: "hello" } });
const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: "hello" }],
  ...extra,
});

async function errorOf(res: Response): Promise<{ status: number; error: Record<string, unknown> }> {
  return { status: res.status, error: ((await res.json()) as { error: Record<string, unknown> }).error };
}

/** The error with the model's name taken out, so a hidden model's 404 and an unknown one's compare equal. */
function anonymised(error: Record<string, unknown>, model: string): Record<string, unknown> {
  return { ...error, message: String(error.message).replace(model, "X") };
}

beforeAll(async () => {
  origin = await startFakeOrigin("private-origin");
  pop = await startNodePop({
    pop: "private-origin",
    dataDir: await tempDir("private-origin"),
    adminToken: TOKEN,
    auth: "on",
    threads: 1,
    log: silentLogger,
    origins: {
      origins: [{ id: "o1", region: "eu-west", endpoint: origin.url, models: ["acme-llm", "public-llm"] }],
      private_to: { "acme-llm": ["acme"] },
      chat: { max_tokens: 100 },
    },
  });
  acme = await createKey("acme");
  globex = await createKey("globex");
});

afterAll(async () => {
  await pop?.close();
  await origin?.stop();
});

const sawModel = (model: string) => origin.hits.filter((h) => h.model === model).length;

describe("a model private to a tenant and served only by origins", () => {
  it("does not exist for another tenant: the same 404 as an unknown model, and nothing is forwarded", async () => {
    for (const [path, body] of [
      ["/v1/predict", predictBody],
      ["/v1/chat/completions", chatBody],
    ] as const) {
      const hidden = await errorOf(await post(path, globex, body("acme-llm")));
      const missing = await errorOf(await post(path, globex, body("nobody-llm")));
      expect(hidden.status).toBe(404);
      expect(hidden.error.code).toBe("model_not_found");
      expect(anonymised(hidden.error, "acme-llm")).toEqual(anonymised(missing.error, "nobody-llm"));
    }
    expect(sawModel("acme-llm")).toBe(0);
  });

  it("ignores a tenant header the client sends: it cannot claim another tenant", async () => {
    const res = await post("/v1/predict", globex, predictBody("acme-llm"), { "x-edgefleet-tenant": "acme" });
    expect(res.status).toBe(404);
    expect(sawModel("acme-llm")).toBe(0);
  });

  it("is served to its tenant, and the origin is told the tenant the edge authenticated", async () => {
    const predicted = await post("/v1/predict", acme, predictBody("acme-llm"), { "x-edgefleet-tenant": "globex" });
    expect(predicted.status).toBe(200);
    expect(((await predicted.json()) as { model: string }).model).toBe("acme-llm");
    const chat = await post("/v1/chat/completions", acme, chatBody("acme-llm"));
    expect(chat.status).toBe(200);
    await chat.arrayBuffer();
    const hits = origin.hits.filter((h) => h.model === "acme-llm");
    expect(hits.map((h) => h.tenant)).toEqual(["acme", "acme"]);
  });

  it("leaves public origin models to every tenant", async () => {
    const res = await post("/v1/predict", globex, predictBody("public-llm"));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(origin.hits.filter((h) => h.model === "public-llm").map((h) => h.tenant)).toEqual(["globex"]);
  });
});

describe("chat's token limit at the edge", () => {
  it("refuses max_tokens above the cap with 400 max_tokens_too_large, before forwarding", async () => {
    const before = sawModel("public-llm");
    for (const param of ["max_tokens", "max_completion_tokens"]) {
      const refused = await errorOf(await post("/v1/chat/completions", acme, chatBody("public-llm", { [param]: 101 })));
      expect(refused.status).toBe(400);
      expect(refused.error.code).toBe("max_tokens_too_large");
      expect(refused.error.param).toBe(param);
    }
    expect(sawModel("public-llm")).toBe(before);
    const allowed = await post("/v1/chat/completions", acme, chatBody("public-llm", { max_tokens: 100 }));
    expect(allowed.status).toBe(200);
    await allowed.arrayBuffer();
  });

  it("charges the completion a request may cost to the tenant's token bucket", async () => {
    // 150 tokens a minute: a chat naming no max_tokens costs its prompt (~20) plus the cap (100),
    // so the second empties the bucket and the third is refused. Prompts alone would allow ~7.
    const key = await createKey("initech", { requests_per_minute: 100, tokens_per_minute: 150 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post("/v1/chat/completions", key, chatBody("public-llm"));
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
