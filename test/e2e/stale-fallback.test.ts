// When every origin is down and the edge has no model of its own, the edge answers from an
// expired cache entry instead of failing — marked `edge-fallback` with its age — and says 503
// (with retry-after) when it has nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { untilAnswer } from "../support/until-cached.ts";
import { postJson, TEST_AWS } from "../support/origin-fixtures.ts";

let edge: RunningEdge;
let origin: FakeOrigin;

beforeAll(async () => {
  origin = await startFakeOrigin("llm-only");
  const table = {
    origins: [{ id: "only", region: "eu", endpoint: origin.url, models: ["fake-llm"] }],
    model_versions: { "fake-llm": "1" },
  };
  edge = await startEdge({
    pop: "stale",
    adminToken: "test-admin",
    vars: { ORIGINS: JSON.stringify(table), CACHE_TTL_S: "1", LOG_LEVEL: "error", ...TEST_AWS },
  });
});

afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});

const chat = (q: string) => ({ model: "fake-llm", messages: [{ role: "user", content: q }] });

describe("stale cache fallback", () => {
  it("serves the expired answer when the only origin is down, and 503 when there is none", async () => {
    const first = await postJson(edge.url, "/v1/chat/completions", chat("What is our refund window?"));
    const body = await first.text();
    expect(first.headers.get("x-edgefleet-cache")).toBe("miss");
    origin.setFault({ kind: "status", status: 503 });
    // While the entry is fresh the cache answers it outright; once past its 1 s TTL the origin is
    // asked, fails, and the expired answer stands in: ask until that happens.
    const stale = await untilAnswer(
      () => postJson(edge.url, "/v1/chat/completions", chat("What is our refund window?")),
      (res) => res.headers.get("x-edgefleet-served-by") === "edge-fallback",
      "the entry to expire",
    );
    expect(stale.status).toBe(200);
    expect(stale.headers.get("x-edgefleet-served-by")).toBe("edge-fallback");
    expect(stale.headers.get("x-edgefleet-cache")).toBe("hit");
    expect(Number(stale.headers.get("age"))).toBeGreaterThanOrEqual(1);
    expect(await stale.text()).toBe(body);
    const none = await postJson(edge.url, "/v1/chat/completions", chat("A question nobody asked before"));
    expect(none.status).toBe(503);
    expect(none.headers.get("retry-after")).not.toBeNull();
    origin.setFault({ kind: "ok" });
    const back = await postJson(edge.url, "/v1/chat/completions", chat("What is our refund window?"));
    await back.text();
    expect(back.headers.get("x-edgefleet-served-by")).toMatch(/^origin\//);
  });
});
