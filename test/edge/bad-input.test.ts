// Bad input gets a clear OpenAI-shaped error with the right status, before any inference,
// and the worker keeps serving afterwards.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_URL_CHARS } from "../../shared/http/limit-url.ts";
import { BASE, postJson, seedDefaultModels } from "./helpers.ts";

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.headers.get("x-request-id")).toBeTruthy();
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  return body;
}

const vadTensors = (over: Record<string, unknown> = {}) => ({
  input: { dtype: "float32", dims: [1, 512], data: Array.from({ length: 512 }, () => 0) },
  sr: { dtype: "int64", dims: [], data: [16000] },
  h: { dtype: "float32", dims: [2, 1, 64], data: Array.from({ length: 128 }, () => 0) },
  c: { dtype: "float32", dims: [2, 1, 64], data: Array.from({ length: 128 }, () => 0) },
  ...over,
});

beforeAll(async () => {
  await seedDefaultModels();
});

describe("bad input", () => {
  it("answers 414 uri_too_long past the network's URL limit (the same on origin and control)", async () => {
    const long = await SELF.fetch(`${BASE}/v1/models?pad=${"a".repeat(MAX_URL_CHARS)}`);
    await expectError(long, 414, "uri_too_long");
    const fits = await SELF.fetch(`${BASE}/healthz?pad=${"a".repeat(MAX_URL_CHARS - 20)}`);
    expect(fits.status).toBe(200);
    await fits.arrayBuffer();
  });

  it("answers 404 model_not_found for an unknown model", async () => {
    const body = await expectError(
      await postJson("/v1/predict", { model: "no-such-model", input: {} }),
      404,
      "model_not_found",
    );
    expect(body.error.type).toBe("not_found_error");
    expect(body.error.param).toBe("model");
  });

  it("answers 400 for malformed JSON, a non-object body, a wrong content type and unknown fields", async () => {
    const broken = await SELF.fetch(`${BASE}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"model": "silero-vad", ',
    });
    await expectError(broken, 400, "invalid_json");
    await expectError(await postJson("/v1/predict", [1, 2, 3]), 400, "invalid_request");
    const form = await SELF.fetch(`${BASE}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    await expectError(form, 400, "invalid_content_type");
    const extra = await expectError(
      await postJson("/v1/predict", { model: "silero-vad", input: {}, temperature: 2 }),
      400,
      "invalid_request",
    );
    expect(extra.error.message).toContain("body");
  });

  it("rejects a tensor of the wrong dtype, rank, fixed dimension or length with 400 invalid_tensor", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ input: { dtype: "int32", dims: [1, 512], data: Array.from({ length: 512 }, () => 0) } }, "dtype"],
      [{ h: { dtype: "float32", dims: [2, 64], data: Array.from({ length: 128 }, () => 0) } }, "rank"],
      [
        { h: { dtype: "float32", dims: [3, 1, 64], data: Array.from({ length: 192 }, () => 0) } },
        "dimension 0 must be 2",
      ],
      [{ input: { dtype: "float32", dims: [1, 512], data: [1, 2, 3] } }, "3 values"],
      [{ input: { dtype: "float32", dims: [1, 512], data: "not base64!" } }, "base64"],
      [{ input: { dtype: "float32", dims: [1, 100_000_000], data: [] } }, "more than this model accepts"],
    ];
    for (const [override, fragment] of cases) {
      const res = await postJson("/v1/predict", { model: "silero-vad", input: { tensors: vadTensors(override) } });
      const body = await expectError(res, 400, "invalid_tensor");
      expect(body.error.message).toContain(fragment);
    }
    const missing = vadTensors();
    delete (missing as Record<string, unknown>).c;
    const body = await expectError(
      await postJson("/v1/predict", { model: "silero-vad", input: { tensors: missing } }),
      400,
      "invalid_tensor",
    );
    expect(body.error.message).toContain("missing c");
  });

  it("rejects bad task input: not an image, too much audio, a bad parameter", async () => {
    await expectError(
      await postJson("/v1/predict", { model: "ppocr-det", input: { image: btoa("GIF89a not really") } }),
      400,
      "invalid_image",
    );
    const long = Array.from({ length: 16000 * 61 }, () => 0);
    await expectError(
      await postJson("/v1/predict", { model: "silero-vad", input: { audio: long } }),
      400,
      "audio_too_long",
    );
    await expectError(
      await postJson("/v1/predict", {
        model: "silero-vad",
        input: { audio: [0, 0.1] },
        parameters: { frame_samples: 100 },
      }),
      400,
      "invalid_request",
    );
  });

  it("answers 413 for a body over the limit, with or without a Content-Length", async () => {
    const big = JSON.stringify({ model: "silero-vad", input: { audio: "A".repeat(5 * 2 ** 20) } });
    await expectError(await postJson("/v1/predict", JSON.parse(big)), 413, "payload_too_large");
    const chunks = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < chunks.length; i += 65536) {
          controller.enqueue(chunks.subarray(i, i + 65536));
        }
        controller.close();
      },
    });
    const chunked = await SELF.fetch(`${BASE}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
    });
    await expectError(chunked, 413, "payload_too_large");
  });

  it("answers 400 json_too_deep, array_too_long and context_length_exceeded before any model runs", async () => {
    const deep = await SELF.fetch(`${BASE}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"model":"silero-vad","input":${"[".repeat(50_000)}${"]".repeat(50_000)}}`,
    });
    await expectError(deep, 400, "json_too_deep");
    const wide = await SELF.fetch(`${BASE}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"model":"silero-vad","input":{"audio":[${"0,".repeat(4_000_000)}0]}}`,
    });
    expect([400, 413]).toContain(wide.status);
    // USE-lite reads at most its tokenizer's max_length tokens: a longer text is refused, not truncated.
    const long = await expectError(
      await postJson("/v1/embeddings", { model: "use-lite", input: ["short", "word ".repeat(3000)] }),
      400,
      "context_length_exceeded",
    );
    expect(long.error.message).toMatch(/input\[1\] is \d+ tokens long; this model accepts at most \d+ tokens/);
    expect(long.error.param).toBe("input");
  });

  it("answers 404 in the OpenAI shape for an unknown route", async () => {
    await expectError(await SELF.fetch(`${BASE}/v1/nothing-here`), 404, "not_found");
  });

  it("keeps serving real requests after all of the above", async () => {
    const res = await postJson("/v1/predict", { model: "silero-vad", input: { tensors: vadTensors() } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { output: { tensors: Record<string, { dims: number[] }> } };
    expect(body.output.tensors.output?.dims).toEqual([1, 1]);
  });
});
