/**
 * @module
 * Weight-only int8 quantization for any ONNX model: large float weights of MatMul, Gemm and Gather
 * are stored as int8 with symmetric scales (per output channel by default), and turned back into
 * float right where they are used. Activations stay float, so accuracy stays close to the original
 * while the file shrinks about 4×. Only standard ONNX ops are added (DequantizeLinear, Gather, Cast,
 * Mul), so the result runs on onnxruntime-node and onnxruntime-web alike.
 *
 *   MatMul / Gemm weight W:  W_q (int8) → DequantizeLinear(scale, 0, axis) → W → original node
 *   Gather table T (rows):   Gather(T_q, ids) → Cast → Mul(Gather(row scales, ids)) — only the
 *                            gathered rows are dequantized, never the whole table.
 */
import { attr } from "../onnx/graph-builder.ts";
import { decodeModel, encodeModel, opsetVersion } from "../onnx/onnx-codec.ts";
import { DataType, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor } from "../onnx/onnx-types.ts";
import { floatTensor, int8Tensor, readFloat32 } from "../onnx/tensors.ts";
import { quantizeInt8 } from "./int8.ts";
import { planWeights, WEIGHT_OPS, type SkippedWeight, type WeightOp, type WeightPlan } from "./weight-plan.ts";

export interface QuantizeOptions {
  /** Weights with fewer elements stay float (default 1024): their bytes do not matter. */
  readonly minElements?: number;
  /** One scale per output channel / table row (default), or one per tensor. */
  readonly granularity?: "per-channel" | "per-tensor";
  /** Which readers make a weight eligible (default MatMul, Gemm, Gather). */
  readonly ops?: readonly WeightOp[];
  /** Initializer names to leave as they are. */
  readonly exclude?: readonly string[];
}

export interface QuantizedWeightReport {
  readonly name: string;
  readonly op: WeightOp;
  readonly scheme: WeightPlan["scheme"];
  readonly axis: number | undefined;
  readonly elements: number;
}

export interface QuantizeReport {
  readonly quantized: readonly QuantizedWeightReport[];
  readonly skipped: readonly SkippedWeight[];
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Things the caller should know, e.g. fields of a newer ONNX version that were not kept. */
  readonly warnings: readonly string[];
}

/** DequantizeLinear exists from opset 10; its `axis` (per-channel scales) from opset 13. */
const MIN_OPSET = 10;
const MIN_OPSET_PER_CHANNEL = 13;
export const QUANTIZATION_METADATA_KEY = "edgefleet.quantization";

export function quantizeModel(onnxBytes: Uint8Array, options: QuantizeOptions = {}): Uint8Array {
  return quantizeModelWithReport(onnxBytes, options).bytes;
}

export function quantizeModelWithReport(
  onnxBytes: Uint8Array,
  options: QuantizeOptions = {},
): { bytes: Uint8Array; report: QuantizeReport } {
  const model = decodeModel(onnxBytes);
  const warnings: string[] = [];
  // The schema covers ONNX IR 10; a size change on a plain re-encode means some field was not understood.
  const reencoded = encodeModel(model).length;
  if (reencoded !== onnxBytes.length) {
    warnings.push(
      `re-encoding the unmodified model changes its size (${onnxBytes.length} → ${reencoded} bytes): fields newer than ONNX IR 10 may be lost`,
    );
  }

  const opset = opsetVersion(model);
  if (opset === undefined || opset < MIN_OPSET) {
    throw new Error(`weight quantization needs ONNX opset ${MIN_OPSET} or newer (model has ${opset ?? "none"})`);
  }
  const perChannel = (options.granularity ?? "per-channel") === "per-channel" && opset >= MIN_OPSET_PER_CHANNEL;
  if ((options.granularity ?? "per-channel") === "per-channel" && !perChannel) {
    warnings.push(`opset ${opset} has no per-channel DequantizeLinear; using one scale per tensor`);
  }

  const { plans, skipped } = planWeights(model.graph, {
    minElements: options.minElements ?? 1024,
    perChannel,
    ops: options.ops ?? WEIGHT_OPS,
    exclude: new Set(options.exclude ?? []),
  });
  const names = new UniqueNames(model.graph);
  const quantized = plans.map((plan) => {
    rewriteWeight(model.graph, plan, names);
    return {
      name: plan.name,
      op: plan.op,
      scheme: plan.scheme,
      axis: plan.axis,
      elements: plan.dims.reduce((a, b) => a * b, 1),
    };
  });
  if (quantized.length > 0) {
    setMetadata(
      model,
      QUANTIZATION_METADATA_KEY,
      perChannel ? "int8 weight-only, symmetric, per-channel" : "int8 weight-only, symmetric, per-tensor",
    );
  }

  const bytes = encodeModel(model);
  return { bytes, report: { quantized, skipped, bytesBefore: onnxBytes.length, bytesAfter: bytes.length, warnings } };
}

function rewriteWeight(graph: OnnxGraph, plan: WeightPlan, names: UniqueNames): void {
  const { values, scales } = quantizeInt8(readFloat32(plan.tensor), plan.dims, plan.axis);
  const quantizedName = names.take(`${plan.name}_quantized`);
  graph.initializer.splice(graph.initializer.indexOf(plan.tensor), 1, int8Tensor(quantizedName, plan.dims, values));

  if (plan.scheme === "gather-rows") {
    // Scales shaped [rows, 1, …, 1] so a gathered scale broadcasts over the gathered row.
    const scaleDims = plan.dims.map((d, i) => (i === 0 ? d : 1));
    const scaleName = names.take(`${plan.name}_row_scale`);
    graph.initializer.push(floatTensor(scaleName, scaleDims, scales));
    graph.node = graph.node.flatMap((node) =>
      node.opType === "Gather" && node.input[0] === plan.name
        ? gatherRows(node, quantizedName, scaleName, names)
        : [node],
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
  // The dequantized tensor keeps the weight's name, so every reader (subgraphs too) is unchanged.
  const dequantize: OnnxNode = {
    name: names.take(`${plan.name}_dequantize`),
    opType: "DequantizeLinear",
    input: [quantizedName, scaleName, zeroPointName],
    output: [plan.name],
    attribute: plan.axis === undefined ? [] : [{ ...attr.int(plan.axis), name: "axis" }],
  };
  graph.node.unshift(dequantize);
}

/** Gather(T, ids) → Gather(T_q, ids) · Gather(scales, ids), producing the same output name. */
function gatherRows(node: OnnxNode, quantizedName: string, scaleName: string, names: UniqueNames): OnnxNode[] {
  const output = node.output[0] ?? "";
  const indices = node.input[1] ?? "";
  const base = node.name !== undefined && node.name !== "" ? node.name : output;
  const rows = names.take(`${output}_quantized_rows`);
  const rowScales = names.take(`${output}_row_scales`);
  const rowsFloat = names.take(`${output}_rows_float`);
  const axis0 = [{ ...attr.int(0), name: "axis" }];
  return [
    {
      name: names.take(`${base}_gather_quantized`),
      opType: "Gather",
      input: [quantizedName, indices],
      output: [rows],
      attribute: axis0,
    },
    {
      name: names.take(`${base}_gather_scales`),
      opType: "Gather",
      input: [scaleName, indices],
      output: [rowScales],
      attribute: axis0,
    },
    {
      name: names.take(`${base}_to_float`),
      opType: "Cast",
      input: [rows],
      output: [rowsFloat],
      attribute: [{ ...attr.int(DataType.FLOAT), name: "to" }],
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

function setMetadata(model: OnnxModel, key: string, value: string): void {
  const props = (model.metadataProps ?? []).filter((p) => p.key !== key);
  props.push({ key, value });
  model.metadataProps = props;
}

/** Hands out tensor and node names that do not clash with anything already in the graph. */
class UniqueNames {
  private readonly used = new Set<string>();

  constructor(graph: OnnxGraph) {
    const add = (name: string | undefined): void => {
      if (name !== undefined && name !== "") {
        this.used.add(name);
      }
    };
    graph.initializer.forEach((t: OnnxTensor) => add(t.name));
    graph.input.forEach((i) => add(i.name));
    graph.output.forEach((o) => add(o.name));
    for (const node of graph.node) {
      add(node.name);
      node.input.forEach(add);
      node.output.forEach(add);
    }
  }

  take(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.used.has(name); i++) {
      name = `${wanted}_${i}`;
    }
    this.used.add(name);
    return name;
  }
}
