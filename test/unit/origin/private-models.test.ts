// The origin's own check behind the edge's: a model private to a tenant (its manifest's or the
// upstream config's `private_to`) is found only for that tenant as the edge names it in
// `x-edgefleet-tenant`, or for an operator (`*`); everyone else, and a request that names no
// tenant, gets the 404 of a model the origin does not have, and does not see it listed.
import { describe, expect, it } from "vitest";
import { createOriginApp } from "../../../origin/app.ts";
import type { Backend, ModelEntry } from "../../../origin/backends/backend.ts";
import { LoadTracker } from "../../../origin/load/load-tracker.ts";
import { OriginMetrics } from "../../../origin/metrics/origin-metrics.ts";
import { silentLogger } from "../../../shared/log.ts";

const MODELS: ModelEntry[] = [
  { id: "acme-model", version: "1", task: "custom", backend: "fake", private_to: ["acme"] },
  { id: "public-model", version: "1", task: "custom", backend: "fake" },
];

const backend: Backend = {
  name: "fake",
  models: () => Promise.resolve(MODELS),
  prepare: () => Promise.resolve(),
  ready: () => true,
  predict: (request) =>
    Promise.resolve({
      body: { model: request.model, version: "1", output: {}, usage: {}, provider: "cpu" },
      inferMs: 1,
    }),
};

const load = new LoadTracker();
const app = createOriginApp({
  servedBy: "origin/test",
  backends: [backend],
  load,
  metrics: new OriginMetrics(load, () => true, { defaultMetrics: false }),
  log: silentLogger,
  maxBodyBytes: 1 << 20,
  lifecycle: { draining: false },
});

async function predict(model: string, tenant?: string): Promise<{ status: number; body: unknown }> {
  const res = await app.request("/v1/predict", {
    method: "POST",
    headers: { "content-type": "application/json", ...(tenant === undefined ? {} : { "x-edgefleet-tenant": tenant }) },
    body: JSON.stringify({ model, input: {} }),
  });
  return { status: res.status, body: await res.json() };
}

async function listed(tenant?: string): Promise<string[]> {
  const res = await app.request(
    "/v1/models",
    tenant === undefined ? {} : { headers: { "x-edgefleet-tenant": tenant } },
  );
  return ((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
}

const anonymised = (body: unknown, model: string) => JSON.stringify(body).replace(model, "X");

describe("private models on an origin", () => {
  it("answers the owner tenant and an operator", async () => {
    expect((await predict("acme-model", "acme")).status).toBe(200);
    expect((await predict("acme-model", "*")).status).toBe(200);
    expect(await listed("acme")).toEqual(["acme-model", "public-model"]);
  });

  it("is not found for another tenant or a request naming none, exactly like a missing model", async () => {
    const missing = await predict("nobody-model", "globex");
    expect(missing.status).toBe(404);
    for (const tenant of ["globex", undefined]) {
      const hidden = await predict("acme-model", tenant);
      expect(hidden.status).toBe(404);
      expect(anonymised(hidden.body, "acme-model")).toBe(anonymised(missing.body, "nobody-model"));
      expect(await listed(tenant)).toEqual(["public-model"]);
    }
  });

  it("leaves public models to everyone", async () => {
    expect((await predict("public-model")).status).toBe(200);
    expect((await predict("public-model", "globex")).status).toBe(200);
  });
});
