// Outcome feedback inside workerd: a local /v1/predict answer is remembered by its x-request-id,
// and POST /v1/feedback on it is accepted by the `outcomes` sink; an unknown id is a 404.
import { beforeAll, describe, expect, it } from "vitest";
import { postJson, seedDefaultModels } from "./helpers.ts";

beforeAll(async () => {
  await seedDefaultModels();
});

describe("outcome feedback", () => {
  it("accepts feedback on an answered request, once, and 404s an unknown id", async () => {
    const audio = Array.from({ length: 1024 }, (_, i) => Math.sin(i / 7) * 0.2);
    const answer = await postJson("/v1/predict", { model: "silero-vad", input: { audio, sample_rate: 16000 } });
    expect(answer.status).toBe(200);
    await answer.body?.cancel();
    const id = answer.headers.get("x-request-id") ?? "";
    expect(id).not.toBe("");
    const first = await postJson("/v1/feedback", { request_id: id, score: 0.9 });
    expect(first.status).toBe(202);
    expect(((await first.json()) as { accepted_by: string[] }).accepted_by).toContain("outcomes");
    const again = await postJson("/v1/feedback", { request_id: id, score: 0.9 });
    expect(again.status).toBe(404);
    await again.body?.cancel();
    const unknown = await postJson("/v1/feedback", { request_id: "no-such-request", label: true });
    expect(unknown.status).toBe(404);
    await unknown.body?.cancel();
  });
});
