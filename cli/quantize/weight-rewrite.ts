/**
 * @module
 * Replaces one float weight in a graph by its int8 form plus the nodes that turn it back into
 * float where it is used. The float tensor keeps its name, so every reader stays as it is.
 *
 *   dequantize-linear:  W_q, scale, zero point → DequantizeLinear(axis) → W
 *   cast-mul:           W_q → Cast(float) → Mul(scale shaped to broadcast along the axis) → W
 *                       (opsets without per-channel DequantizeLinear; folded at load by onnxruntime)
 *   gather-rows:        Gather(W, ids) → Gather(W_q, ids) · Gather(row scales, ids): only the rows
 *                       a request touches are dequantized, never the whole table
 */
import { attr } from "../onnx/graph-builder.ts";
import { DataType, type OnnxGraph, type OnnxNode } from "../onnx/onnx-types.ts";
import { floatTensor, int8Tensor, readFloat32 } from "../onnx/tensors.ts";
import { quantizeInt8 } from "./int8.ts";
import type { UniqueNames } from "./unique-names.ts";
import type { WeightPlan } from "./weight-plan.ts";

export type Scheme = "dequantize-linear" | "cast-mul" | "gather-rows";

function namedInt(name: string, value: number): NonNullable<OnnxNode["attribute"]>[number] {
  return { ...attr.int(value), name };
}

/** Rewrites `graph` in place so `plan.name` is computed from the int8 weight by `scheme`. */
export function rewriteWeight(graph: OnnxGraph, plan: WeightPlan, scheme: Scheme, names: UniqueNames): void {
  const { values, scales } = quantizeInt8(readFloat32(plan.source.tensor), plan.dims, plan.axis);
  const quantizedName = names.take(`${plan.name}_quantized`);
  graph.initializer.push(int8Tensor(quantizedName, plan.dims, values));

  // Take the float weight out; new nodes go where a Constant was, or first for an initializer.
  let at = 0;
  if (plan.source.kind === "initializer") {
    graph.initializer.splice(graph.initializer.indexOf(plan.source.tensor), 1);
  } else {
    at = graph.node.indexOf(plan.source.node);
    graph.node.splice(at, 1);
  }

  if (scheme === "gather-rows") {
    // Scales shaped [rows, 1, …, 1] so a gathered scale broadcasts over its gathered row.
    const scaleName = names.take(`${plan.name}_row_scale`);
    graph.initializer.push(
      floatTensor(
        scaleName,
        plan.dims.map((d, i) => (i === 0 ? d : 1)),
        scales,
      ),
    );
    graph.node = graph.node.flatMap((node) =>
      node.opType === "Gather" && node.input[0] === plan.name
        ? gatherRows(node, quantizedName, scaleName, names)
        : [node],
    );
    return;
  }

  if (scheme === "cast-mul") {
    const scaleDims = plan.axis === undefined ? [] : plan.dims.map((d, i) => (i === plan.axis ? d : 1));
    const scaleName = names.take(`${plan.name}_scale`);
    const asFloat = names.take(`${plan.name}_int8_as_float`);
    graph.initializer.push(floatTensor(scaleName, scaleDims, scales));
    graph.node.splice(
      at,
      0,
      {
        name: names.take(`${plan.name}_to_float`),
        opType: "Cast",
        input: [quantizedName],
        output: [asFloat],
        attribute: [namedInt("to", DataType.FLOAT)],
      },
      {
        name: names.take(`${plan.name}_dequantize`),
        opType: "Mul",
        input: [asFloat, scaleName],
        output: [plan.name],
        attribute: [],
      },
    );
    return;
  }

  const scaleDims = plan.axis === undefined ? [] : [scales.length];
  const scaleName = names.take(`${plan.name}_scale`);
  const zeroPointName = names.take(`${plan.name}_zero_point`);
  graph.initializer.push(
    floatTensor(scaleName, scaleDims, scales),
    int8Tensor(zeroPointName, scaleDims, new Int8Array(scales.length)),
  );
  graph.node.splice(at, 0, {
    name: names.take(`${plan.name}_dequantize`),
    opType: "DequantizeLinear",
    input: [quantizedName, scaleName, zeroPointName],
    output: [plan.name],
    attribute: plan.axis === undefined ? [] : [namedInt("axis", plan.axis)],
  });
}

/** Gather(T, ids) → Cast(Gather(T_q, ids)) · Gather(scales, ids), under the same output name. */
function gatherRows(node: OnnxNode, quantizedName: string, scaleName: string, names: UniqueNames): OnnxNode[] {
  const output = node.output[0] ?? "";
  const indices = node.input[1] ?? "";
  const base = node.name !== undefined && node.name !== "" ? node.name : output;
  const rows = names.take(`${output}_quantized_rows`);
  const rowScales = names.take(`${output}_row_scales`);
  const rowsFloat = names.take(`${output}_rows_float`);
  return [
    {
      name: names.take(`${base}_gather_quantized`),
      opType: "Gather",
      input: [quantizedName, indices],
      output: [rows],
      attribute: [namedInt("axis", 0)],
    },
    {
      name: names.take(`${base}_gather_scales`),
      opType: "Gather",
      input: [scaleName, indices],
      output: [rowScales],
      attribute: [namedInt("axis", 0)],
    },
    {
      name: names.take(`${base}_to_float`),
      opType: "Cast",
      input: [rows],
      output: [rowsFloat],
      attribute: [namedInt("to", DataType.FLOAT)],
    },
    {
      name: names.take(`${base}_dequantize`),
      opType: "Mul",
      input: [rowsFloat, rowScales],
      output: [output],
      attribute: [],
    },
  ];
}
