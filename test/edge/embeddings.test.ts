// /v1/embeddings inside workerd with the project's own int8 USE-lite: OpenAI response shape,
// the same vectors as onnxruntime-node, paraphrases closer than unrelated text, clear 400s.
import { beforeAll, describe, expect, it } from "vitest";
import { native, postJson, seedDefaultModels } from "./helpers.ts";

interface EmbeddingsBody {
  object: string;
  model: string;
  data: Array<{ object: string; index: number; embedding: number[] | string }>;
  usage: { prompt_tokens: number; total_tokens: number };
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

beforeAll(async () => {
  await seedDefaultModels();
});

describe("/v1/embeddings in workerd", () => {
  const texts = [
    "How do I reset my password?",
    "How can I change my password?",
    "The weather in Paris is sunny today.",
  ];

  it("answers in the OpenAI shape with unit vectors that match onnxruntime-node", async () => {
    const res = await postJson("/v1/embeddings", { model: "use-lite", input: texts });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("edge/test");
    expect(res.headers.get("x-edgefleet-model-version")).toBe("1.0.0");
    const body = (await res.json()) as EmbeddingsBody;
    expect(body).toMatchObject({ object: "list", model: "use-lite" });
    expect(body.data.map((d) => [d.object, d.index])).toEqual([
      ["embedding", 0],
      ["embedding", 1],
      ["embedding", 2],
    ]);
    expect(body.usage.prompt_tokens).toBeGreaterThan(10);
    const vectors = body.data.map((d) => d.embedding as number[]);
    for (const v of vectors) {
      expect(v).toHaveLength(512);
      expect(dot(v, v)).toBeCloseTo(1, 3);
    }
    expect(dot(vectors[0] ?? [], vectors[1] ?? [])).toBeGreaterThan(dot(vectors[0] ?? [], vectors[2] ?? []) + 0.3);
    const ref = (await native({ model: "use-lite", input: { text: texts } })).output as { embeddings: number[][] };
    vectors.forEach((v, i) => expect(dot(v, ref.embeddings[i] ?? [])).toBeGreaterThan(0.999));
  });

  it("encodes as base64 float32 when asked", async () => {
    const res = await postJson("/v1/embeddings", { model: "use-lite", input: texts[0], encoding_format: "base64" });
    const body = (await res.json()) as EmbeddingsBody;
    const bytes = Uint8Array.from(atob(body.data[0]?.embedding as string), (ch) => ch.charCodeAt(0));
    const floats = new Float32Array(bytes.buffer);
    expect(floats).toHaveLength(512);
    expect(floats.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 3);
  });

  it("is also reachable through /v1/predict", async () => {
    const res = await postJson("/v1/predict", { model: "use-lite", input: { text: "hello there" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { output: { dimensions: number } }).output.dimensions).toBe(512);
  });

  it("refuses a non-embeddings model, token ids, other dimensions and too many texts with 400", async () => {
    const cases: Array<[unknown, string]> = [
      [{ model: "silero-vad", input: "hi" }, "wrong_task"],
      [{ model: "use-lite", input: [1, 2, 3] }, "unsupported_input"],
      [{ model: "use-lite", input: "hi", dimensions: 256 }, "unsupported_dimensions"],
      [{ model: "use-lite", input: Array.from({ length: 300 }, () => "x") }, "too_many_inputs"],
      [{ model: "use-lite", input: [] }, "invalid_request"],
      [{ model: "use-lite", input: "x".repeat(20_001) }, "input_too_long"],
    ];
    for (const [body, code] of cases) {
      const res = await postJson("/v1/embeddings", body);
      // The case goes into the compared object so a failure names it.
      expect({ case: JSON.stringify(body).slice(0, 80), status: res.status }).toMatchObject({ status: 400 });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const missing = await postJson("/v1/embeddings", { model: "no-such-embedder", input: "hi" });
    expect(missing.status).toBe(404);
  });
});
