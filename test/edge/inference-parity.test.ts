// Real inference inside workerd (ort-web, WASM) on the default models, compared with
// onnxruntime-node on the same inputs: the edge must give the native answer.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { readWavPcm16 } from "../support/wav.ts";
import { BASE, fixtureBase64, maxAbsDiff, native, postJson, seedDefaultModels } from "./helpers.ts";

interface VadOutput {
  probabilities: number[];
  segments: Array<{ start: number; end: number }>;
}
interface TensorOut {
  tensors: Record<string, { dims: number[]; data: number[] }>;
}

beforeAll(async () => {
  await seedDefaultModels();
});

describe("edge inference in workerd matches onnxruntime-node", () => {
  it("VAD finds the speech in a real recording, frame by frame as native does", async () => {
    const wav = readWavPcm16(
      new Uint8Array(await (await env.FIXTURES.fetch("http://fixtures/files/speech-16k.wav")).arrayBuffer()),
    );
    const body = { model: "silero-vad", input: { audio: Array.from(wav.samples), sample_rate: 16000 } };
    const res = await postJson("/v1/predict", body);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-edgefleet-served-by")).toBe("edge/test");
    expect(res.headers.get("x-edgefleet-model-version")).toBe("4.0.0");
    expect(res.headers.get("x-edgefleet-cache")).toBe("miss");
    expect(res.headers.get("x-edgefleet-provider")).toBe("wasm");
    const edge = (await res.json()) as { output: VadOutput; version: string; usage: { frames: number } };
    const ref = (await native(body)).output as VadOutput;
    expect(edge.output.probabilities.length).toBe(Math.ceil(wav.samples.length / 512));
    expect(maxAbsDiff(edge.output.probabilities, ref.probabilities)).toBeLessThanOrEqual(1e-4);
    // The clip is 0.6 s of silence, speech, then 0.8 s of silence.
    expect(edge.output.segments.length).toBeGreaterThanOrEqual(1);
    expect(edge.output.segments[0]?.start).toBeGreaterThan(0.4);
    expect(edge.output.segments.at(-1)?.end).toBeLessThan(wav.samples.length / 16000 - 0.5);
    expect(edge.output.segments).toEqual(ref.segments);
  });

  it("OCR detection returns the three text lines of a page, and its raw map matches native", async () => {
    const image = await fixtureBase64("ocr-page.png");
    const res = await postJson("/v1/predict", { model: "ppocr-det", input: { image } });
    expect(res.status).toBe(200);
    const det = (await res.json()) as { output: { boxes: Array<{ points: number[][]; score: number }> } };
    expect(det.output.boxes.length).toBe(3);
    const ref = (await native({ model: "ppocr-det", input: { image } })).output as typeof det.output;
    expect(det.output.boxes).toEqual(ref.boxes);

    // Raw-tensor mode on the same model: the probability map itself, element by element.
    const dims = [1, 3, 64, 96];
    const data = Array.from({ length: 3 * 64 * 96 }, (_, i) => Math.sin(i / 7) * 0.8);
    const raw = { model: "ppocr-det", input: { tensors: { x: { dtype: "float32", dims, data } } } };
    const edgeRaw = (await (await postJson("/v1/predict", raw)).json()) as { output: TensorOut };
    const nativeRaw = (await native(raw)).output as TensorOut;
    const [edgeMap] = Object.values(edgeRaw.output.tensors);
    const [nativeMap] = Object.values(nativeRaw.tensors);
    expect(edgeMap?.dims).toEqual([1, 1, 64, 96]);
    expect(maxAbsDiff(edgeMap?.data ?? [], nativeMap?.data ?? [])).toBeLessThanOrEqual(1e-4);
  });

  it("OCR recognition reads a rendered text line, as native does", async () => {
    const image = await fixtureBase64("ocr-line.png");
    const res = await postJson("/v1/predict", { model: "ppocr-rec", input: { image } });
    expect(res.status).toBe(200);
    const rec = (await res.json()) as { output: { text: string; confidence: number } };
    expect(rec.output.text.replace(/\s+/g, " ").trim()).toBe("Hello edgefleet 2026");
    expect(rec.output.confidence).toBeGreaterThan(0.8);
    const ref = (await native({ model: "ppocr-rec", input: { image } })).output as typeof rec.output;
    expect(rec.output.text).toBe(ref.text);
    expect(Math.abs(rec.output.confidence - ref.confidence)).toBeLessThanOrEqual(1e-3);
  });

  it("lists the models with the provider that ran them", async () => {
    const res = await SELF.fetch(`${BASE}/v1/models`);
    const list = (await res.json()) as {
      object: string;
      data: Array<{ id: string; loaded: boolean; provider?: string; runtime?: string }>;
    };
    expect(list.object).toBe("list");
    expect(list.data.map((m) => m.id).toSorted()).toEqual(["ppocr-det", "ppocr-rec", "silero-vad", "use-lite"]);
    const vad = list.data.find((m) => m.id === "silero-vad");
    expect(vad).toMatchObject({ loaded: true, provider: "wasm", runtime: "ort-web" });
  });
});
