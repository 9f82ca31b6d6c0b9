// Tenants are walls: tenant A's keys never reach tenant B's cached answers, and a model
// private to one tenant does not exist (404, not 403) for any other.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ModelManifest } from "../../../shared/manifest/model-manifest.ts";
import { untilCached } from "../../support/until-cached.ts";
import { admin, BASE, postJson, seedDefaultModels } from "../helpers.ts";
import { bearer, createKey, type CreatedKey, errorCode } from "./keys.ts";

let manifests: ModelManifest[];
let acme: CreatedKey;
let acme2: CreatedKey;
let globex: CreatedKey;

beforeAll(async () => {
  manifests = await seedDefaultModels();
  acme = await createKey("acme", ["infer"]);
  acme2 = await createKey("acme", ["infer"]);
  globex = await createKey("globex", ["infer"]);
});

async function cacheStatus(res: Response): Promise<string | null> {
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return res.headers.get("x-edgefleet-cache");
}

const ask = (text: string, key: string) => postJson("/v1/embeddings", { model: "use-lite", input: text }, bearer(key));

describe("cache partitions follow the key's tenant", () => {
  it("shares answers among one tenant's keys and never with another tenant", async () => {
    const body = {
      model: "silero-vad",
      input: { audio: Array.from({ length: 1600 }, (_, i) => Math.cos(i / 5) * 0.3) },
    };
    expect(await cacheStatus(await postJson("/v1/predict", body, bearer(acme.key)))).toBe("miss");
    expect(await cacheStatus(await untilCached(() => postJson("/v1/predict", body, bearer(acme.key))))).toBe("hit");
    // Another key of the same tenant: same partition.
    expect(await cacheStatus(await postJson("/v1/predict", body, bearer(acme2.key)))).toBe("hit");
    // Another tenant: a different partition, so a miss — and then its own entry.
    expect(await cacheStatus(await postJson("/v1/predict", body, bearer(globex.key)))).toBe("miss");
    expect(await cacheStatus(await untilCached(() => postJson("/v1/predict", body, bearer(globex.key))))).toBe("hit");
  });

  it("keeps embeddings answers within the tenant too", async () => {
    const first = await ask("where is the nearest train station", acme.key);
    expect(await cacheStatus(first)).toBe("miss");
    expect(await cacheStatus(await untilCached(() => ask("where is the nearest train station", acme.key)))).toBe("hit");
    expect(await cacheStatus(await ask("where is the nearest train station", globex.key))).toBe("miss");
  });
});

describe("models private to a tenant", () => {
  beforeAll(async () => {
    const vad = manifests.find((m) => m.id === "silero-vad");
    if (!vad) {
      throw new Error("no vad manifest");
    }
    const res = await SELF.fetch(`${BASE}/admin/models/vad-acme`, {
      method: "PUT",
      headers: { ...admin(), "content-type": "application/json" },
      body: JSON.stringify({ ...vad, id: "vad-acme", private_to: ["acme"] }),
    });
    if (res.status !== 200) {
      throw new Error(`private model refused: ${res.status} ${await res.text()}`);
    }
  });

  const body = { model: "vad-acme", input: { audio: Array.from({ length: 800 }, (_, i) => Math.sin(i / 3) * 0.1) } };

  it("serves and lists the model for its tenant", async () => {
    const res = await postJson("/v1/predict", body, bearer(acme.key));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string }).model).toBe("vad-acme");
    const list = (await (await SELF.fetch(`${BASE}/v1/models`, { headers: bearer(acme.key) })).json()) as {
      data: Array<{ id: string }>;
    };
    expect(list.data.map((m) => m.id)).toContain("vad-acme");
  });

  it("answers 404 model_not_found to every other tenant, exactly as for a model that does not exist", async () => {
    const hidden = await postJson("/v1/predict", body, bearer(globex.key));
    const missing = await postJson("/v1/predict", { ...body, model: "vad-nobody" }, bearer(globex.key));
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const a = (await hidden.json()) as { error: { code: string; message: string } };
    const b = (await missing.json()) as { error: { code: string; message: string } };
    expect(a.error.code).toBe("model_not_found");
    expect(a.error.message.replace("vad-acme", "X")).toBe(b.error.message.replace("vad-nobody", "X"));
    const warm = await SELF.fetch(`${BASE}/v1/models/vad-acme/warm`, { method: "POST", headers: bearer(globex.key) });
    expect(warm.status).toBe(404);
    expect(await errorCode(warm)).toBe("model_not_found");
    const list = (await (await SELF.fetch(`${BASE}/v1/models`, { headers: bearer(globex.key) })).json()) as {
      data: Array<{ id: string }>;
    };
    expect(list.data.map((m) => m.id)).not.toContain("vad-acme");
    expect(list.data.map((m) => m.id)).toContain("silero-vad");
  });
});
