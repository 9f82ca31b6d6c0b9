// Per-key rate limits in a Durable Object per key: past the request or token budget the
// edge answers 429 with retry-after and the OpenAI error body; other keys are unaffected.
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers.ts";
import { bearer, createKey } from "./keys.ts";

const tiny = { model: "no-such-model", input: {} };

describe("rate limits per key", () => {
  it("lets a key's requests per minute through, then answers 429 with retry-after", async () => {
    const k = await createKey("acme", ["infer"], { requests_per_minute: 5, tokens_per_minute: 1_000_000 });
    const other = await createKey("acme", ["infer"], { requests_per_minute: 5, tokens_per_minute: 1_000_000 });
    const answers: Response[] = [];
    for (let i = 0; i < 8; i++) {
      answers.push(await postJson("/v1/predict", tiny, bearer(k.key)));
    }
    const statuses = answers.map((r) => r.status);
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.every((r) => Number(r.headers.get("retry-after")) >= 1)).toBe(true);
    const codes = await Promise.all(
      limited.map(async (r) => ((await r.json()) as { error: { code: string; type: string } }).error),
    );
    expect(codes.every((e) => e.code === "rate_limit_exceeded" && e.type === "rate_limit_error")).toBe(true);
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    // One key's limit is its own: a second key of the same tenant still gets through.
    expect((await postJson("/v1/predict", tiny, bearer(other.key))).status).toBe(404);
  });

  it("debits text tokens: a key over its token budget waits", async () => {
    const k = await createKey("acme", ["infer"], { requests_per_minute: 1000, tokens_per_minute: 100 });
    const long = { model: "no-such-model", input: { text: "x".repeat(2000) } };
    expect((await postJson("/v1/predict", long, bearer(k.key))).status).toBe(404);
    const res = await postJson("/v1/predict", long, bearer(k.key));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(1);
  });
});
