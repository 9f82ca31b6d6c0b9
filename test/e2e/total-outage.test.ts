// F4 of docs/origin.md's fault cases: every origin down. The retry budget keeps upstream attempts at
// ≤ 1.2 × inbound requests (instead of max_attempts ×), every caller gets a clean 503 with
// retry-after instead of a hang. Counted at the origins, as a client would see it; how long each
// caller waits against its deadline is measured by `npm run bench -- faults`.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEdge } from "../../cli/local/edge-miniflare.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { postJson, startRoutingEdge } from "../support/origin-fixtures.ts";

let edge: RunningEdge;
const origins: FakeOrigin[] = [];
const INBOUND = 60;
const DEADLINE_MS = 2000;

beforeAll(async () => {
  for (const name of ["x", "y", "z"]) {
    origins.push(await startFakeOrigin(name, { kind: "status", status: 503 }));
  }
  edge = await startRoutingEdge("outage", {
    origins: origins.map((o, i) => ({ id: o.name, region: `r${i}`, endpoint: o.url, priority: i })),
    // Production defaults for the budget (20%, at least 3 per 10 s window) and breaker, 3 attempts per request.
    policy: { ttfb_timeout_ms: 500, deadline_ms: DEADLINE_MS, max_attempts: 3 },
  });
});

afterAll(async () => {
  await edge?.close();
  await Promise.all(origins.map((o) => o.stop()));
});

it("F4: upstream attempts stay ≤ 1.2 × inbound; each caller gets 503 + retry-after", async () => {
  const outcomes: Array<{ status: number; retryAfter: string | null }> = [];
  // Six callers at a time, 60 requests in all.
  for (let wave = 0; wave < INBOUND / 6; wave++) {
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await postJson(edge.url, "/v1/predict", { model: "any", input: {} });
        outcomes.push({ status: res.status, retryAfter: res.headers.get("retry-after") });
        await res.body?.cancel();
      }),
    );
  }
  const attempts = origins.reduce((n, o) => n + o.count(), 0);
  expect(outcomes).toHaveLength(INBOUND);
  expect(outcomes.every((o) => o.status === 503 && Number(o.retryAfter) >= 1)).toBe(true);
  expect(attempts).toBeLessThanOrEqual(1.2 * INBOUND);
});
