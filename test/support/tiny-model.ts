/**
 * A tiny real ONNX model for device tests: `y = x + sum(W)` with `W` a float32 initializer
 * of pseudo-random values, so the file spans several content-defined chunks, loads in
 * onnxruntime in milliseconds, and its answer tells which version of `W` is installed.
 */
import { GraphBuilder } from "../../cli/onnx/graph-builder.ts";
import { encodeModel } from "../../cli/onnx/onnx-codec.ts";
import { DataType } from "../../cli/onnx/onnx-types.ts";
import { floatTensor } from "../../cli/onnx/tensors.ts";

/** `n` floats in [0, 1) from a fixed seed (xorshift32): the same weights every run. */
export function seededWeights(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/** A copy of `w` with `delta` added to elements [from, to): a one-layer "fine-tune". */
export function editWeights(w: Float32Array, from: number, to: number, delta: number): Float32Array {
  const out = w.slice();
  for (let i = from; i < to; i++) {
    out[i] = (out[i] ?? 0) + delta;
  }
  return out;
}

export function tinyModel(weights: Float32Array): Uint8Array {
  const g = new GraphBuilder("tiny");
  const x = g.input("x", DataType.FLOAT, [1]);
  const w = g.initializer(floatTensor("W", [weights.length], weights));
  const s = g.op("ReduceSum", [w], "s", {});
  g.op("Add", [x, s], "y");
  g.output("y", DataType.FLOAT, [1]);
  return encodeModel(g.model({ opset: 13, irVersion: 8, producerName: "edgefleet-test", producerVersion: "1" }));
}

/** What `tinyModel(w)` answers for x = 0, summed the way a float32 reduction roughly does. */
export function expectedOutput(weights: Float32Array): number {
  return weights.reduce((a, b) => a + b, 0);
}
