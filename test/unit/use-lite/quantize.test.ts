/**
 * The generic weight-only int8 quantizer on a small synthetic model that has every case:
 * MatMul weight, Gemm weight with transB, a table read only by Gather (dequantized after the
 * gather), a table shared by Gather and Gemm, a weight too small to bother, a weight that is
 * also a graph input. Original and quantized models run side by side on onnxruntime-node.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { attr, GraphBuilder } from "../../../cli/onnx/graph-builder.ts";
import { decodeModel, encodeModel } from "../../../cli/onnx/onnx-codec.ts";
import { DataType } from "../../../cli/onnx/onnx-types.ts";
import { floatTensor } from "../../../cli/onnx/tensors.ts";
import {
  QUANTIZATION_METADATA_KEY,
  quantizeModel,
  quantizeModelWithReport,
} from "../../../cli/quantize/quantize-model.ts";

/** Deterministic pseudo-random floats in [-1, 1) (mulberry32). */
function randoms(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

/** `initializerAsInput`: also list rows_table as a graph input (IR < 4 style: an overridable default). */
function syntheticModel(opset: number, initializerAsInput = false): Uint8Array {
  const b = new GraphBuilder("synthetic");
  const x = b.input("x", DataType.FLOAT, ["batch", 64]);
  const ids = b.input("ids", DataType.INT64, ["batch", 5]);
  const q = b.input("q", DataType.FLOAT, ["batch", 8]);
  const w1 = b.initializer(floatTensor("w1", [64, 32], randoms(64 * 32, 1)));
  const w2 = b.initializer(floatTensor("w2", [48, 32], randoms(48 * 32, 2)));
  const w3 = b.initializer(floatTensor("w3_small", [32, 4], randoms(32 * 4, 3)));
  const shared = b.initializer(floatTensor("shared_table", [200, 8], randoms(200 * 8, 4)));
  const table = b.initializer(floatTensor("rows_table", [300, 8], randoms(300 * 8, 5)));
  const h = b.op("MatMul", [x, w1], "h");
  b.op("Gemm", [h, w2], "y", { transB: attr.int(1) });
  b.op("MatMul", [h, w3], "z");
  b.op("Gather", [shared, ids], "shared_rows", { axis: attr.int(0) });
  b.op("Gemm", [q, shared], "logits", { transB: attr.int(1) });
  b.op("Gather", [table, ids], "rows", { axis: attr.int(0) });
  b.output("y", DataType.FLOAT, ["batch", 48]);
  b.output("z", DataType.FLOAT, ["batch", 4]);
  b.output("shared_rows", DataType.FLOAT, ["batch", 5, 8]);
  b.output("logits", DataType.FLOAT, ["batch", 200]);
  b.output("rows", DataType.FLOAT, ["batch", 5, 8]);
  const model = b.model({ opset, irVersion: opset >= 17 ? 8 : 7, producerName: "test", producerVersion: "1" });
  if (initializerAsInput) {
    model.graph.input.push({
      name: "rows_table",
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 300 }, { dimValue: 8 }] } } },
    });
  }
  return encodeModel(model);
}

function feeds(): Record<string, ort.Tensor> {
  const batch = 3;
  return {
    x: new ort.Tensor("float32", randoms(batch * 64, 10), [batch, 64]),
    ids: new ort.Tensor(
      "int64",
      BigInt64Array.from({ length: batch * 5 }, (_, i) => BigInt((i * 37) % 200)),
      [batch, 5],
    ),
    q: new ort.Tensor("float32", randoms(batch * 8, 11), [batch, 8]),
  };
}

async function run(bytes: Uint8Array): Promise<Record<string, Float32Array>> {
  // Severity 3 (errors only): onnxruntime warns about the initializer-as-input case on purpose.
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const outputs = await session.run(feeds());
  return Object.fromEntries(
    Object.entries(outputs).map(([name, tensor]) => {
      if (!(tensor.data instanceof Float32Array)) {
        throw new Error(`${name} is not float32`);
      }
      return [name, tensor.data];
    }),
  );
}

/** Largest |a − b| relative to the largest |a|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let maxDiff = 0;
  let maxAbs = 0;
  a.forEach((v, i) => {
    maxDiff = Math.max(maxDiff, Math.abs(v - (b[i] ?? NaN)));
    maxAbs = Math.max(maxAbs, Math.abs(v));
  });
  return maxDiff / maxAbs;
}

async function expectClose(original: Uint8Array, quantized: Uint8Array): Promise<void> {
  const [a, b] = await Promise.all([run(original), run(quantized)]);
  expect(Object.keys(b).toSorted()).toEqual(Object.keys(a).toSorted());
  const tooFar = Object.entries(a).filter(
    ([name, values]) => !(relativeError(values, b[name] ?? new Float32Array()) < 0.02),
  );
  expect(tooFar.map(([name]) => name)).toEqual([]);
}

describe("quantizeModel (weight-only int8, any ONNX model)", () => {
  it("quantizes MatMul / Gemm / Gather weights per channel and keeps outputs close", async () => {
    const original = syntheticModel(17);
    const { bytes, report } = quantizeModelWithReport(original);
    const byName = Object.fromEntries(report.quantized.map((q) => [q.name, q]));

    expect(Object.keys(byName).toSorted()).toEqual(["rows_table", "shared_table", "w1", "w2"]);
    expect(byName["w1"]).toMatchObject({ op: "MatMul", scheme: "dequantize-linear", axis: 1 });
    expect(byName["w2"]).toMatchObject({ op: "Gemm", scheme: "dequantize-linear", axis: 0 });
    // Read by a Gemm too, so it cannot be dequantized after the gather: one DequantizeLinear feeds both.
    expect(byName["shared_table"]).toMatchObject({ scheme: "dequantize-linear", axis: 0 });
    expect(byName["rows_table"]).toMatchObject({ op: "Gather", scheme: "gather-rows", axis: 0 });
    expect(report.skipped).toEqual([{ name: "w3_small", reason: "fewer than 1024 elements" }]);
    expect(report.warnings).toEqual([]);
    expect(bytes.length).toBeLessThan(original.length / 2.5);

    const model = decodeModel(bytes);
    expect(model.metadataProps?.find((p) => p.key === QUANTIZATION_METADATA_KEY)?.value).toContain("per-channel");
    expect(model.graph.node.filter((n) => n.opType === "DequantizeLinear")).toHaveLength(3);
    expect(
      model.graph.initializer.filter((t) => t.dataType === DataType.INT8 && (t.dims?.length ?? 0) > 1),
    ).toHaveLength(4);

    await expectClose(original, bytes);
  });

  it("uses one scale per tensor on request; Cast + Mul per channel on opsets before 13", async () => {
    const perTensor = quantizeModelWithReport(syntheticModel(17), { granularity: "per-tensor" });
    expect(perTensor.report.quantized.every((q) => q.axis === undefined && q.scheme === "dequantize-linear")).toBe(
      true,
    );
    await expectClose(syntheticModel(17), perTensor.bytes);

    // DequantizeLinear has no per-channel axis before opset 13; Cast + Mul keeps per-channel scales.
    const old = quantizeModelWithReport(syntheticModel(12));
    expect(old.report.warnings).toEqual([]);
    expect(old.report.quantized.map((q) => [q.name, q.scheme, q.axis])).toEqual([
      ["w1", "cast-mul", 1],
      ["w2", "cast-mul", 0],
      ["shared_table", "cast-mul", 0],
      ["rows_table", "gather-rows", 0],
    ]);
    await expectClose(syntheticModel(12), old.bytes);
  });

  it("leaves graph inputs, excluded names and already-quantized models alone", async () => {
    const withInput = quantizeModelWithReport(syntheticModel(17, true), { exclude: ["w2"] });
    expect(withInput.report.skipped).toContainEqual({
      name: "rows_table",
      reason: "also a graph input, so callers may override it",
    });
    expect(withInput.report.skipped).toContainEqual({ name: "w2", reason: "excluded by option" });
    await expectClose(syntheticModel(17, true), withInput.bytes);

    const again = quantizeModelWithReport(quantizeModel(syntheticModel(17)));
    expect(again.report.quantized).toEqual([]);
  });

  it("refuses bytes that are not an ONNX model", () => {
    expect(() => quantizeModel(new TextEncoder().encode("not a model"))).toThrow(/./);
  });
});
