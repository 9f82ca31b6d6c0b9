/**
 * @module
 * Decides which float weights of an ONNX graph to store as int8, and how: which op reads them
 * (MatMul / Gemm weight, Gather table), along which axis the scales run, and whether the table can
 * be dequantized after the Gather (only the rows a request touches) instead of as a whole.
 */
import { int64ToNumber } from "../onnx/onnx-codec.ts";
import { DataType, type OnnxGraph, type OnnxNode, type OnnxTensor } from "../onnx/onnx-types.ts";
import { elementCount, isExternal, tensorDims } from "../onnx/tensors.ts";

export type WeightOp = "MatMul" | "Gemm" | "Gather";
export const WEIGHT_OPS: readonly WeightOp[] = ["MatMul", "Gemm", "Gather"];

export interface PlanOptions {
  readonly minElements: number;
  readonly perChannel: boolean;
  readonly ops: readonly WeightOp[];
  readonly exclude: ReadonlySet<string>;
}

export interface WeightPlan {
  readonly tensor: OnnxTensor;
  readonly name: string;
  readonly dims: readonly number[];
  readonly op: WeightOp;
  /** Axis of the per-channel scales; undefined for one scale per tensor. */
  readonly axis: number | undefined;
  /** `gather-rows`: every reader is a row Gather, so rows are dequantized after gathering. */
  readonly scheme: "dequantize-linear" | "gather-rows";
}

export interface SkippedWeight {
  readonly name: string;
  readonly reason: string;
}

interface Use {
  readonly node: OnnxNode;
  readonly index: number;
}

function intAttribute(node: OnnxNode, name: string, fallback: number): number {
  const found = node.attribute?.find((a) => a.name === name);
  return found?.i === undefined ? fallback : int64ToNumber(found.i);
}

function isDefaultDomain(node: OnnxNode): boolean {
  return node.domain === undefined || node.domain === "" || node.domain === "ai.onnx";
}

/** Which input of `node` is a weight this quantizer handles, if any. */
function weightInput(node: OnnxNode, ops: readonly WeightOp[]): { op: WeightOp; index: number } | undefined {
  if (!isDefaultDomain(node)) {
    return undefined;
  }
  const op = ops.find((o) => o === node.opType);
  if (op === undefined) {
    return undefined;
  }
  return { op, index: op === "Gather" ? 0 : 1 };
}

/** Per-channel axis for a weight read by `node`: the output channels of a MatMul / Gemm, the rows of a Gather. */
function channelAxis(op: WeightOp, node: OnnxNode, rank: number): number | undefined {
  if (op === "MatMul") {
    return rank >= 2 ? rank - 1 : undefined;
  }
  if (op === "Gemm") {
    return intAttribute(node, "transB", 0) === 1 ? 0 : 1;
  }
  const axis = intAttribute(node, "axis", 0);
  return axis < 0 ? axis + rank : axis;
}

/** Names read by nodes inside subgraphs (If / Loop / Scan bodies), at any depth. */
function namesReadInSubgraphs(graph: OnnxGraph): Set<string> {
  const names = new Set<string>();
  const visit = (g: OnnxGraph): void => {
    for (const node of g.node) {
      for (const a of node.attribute ?? []) {
        for (const sub of [...(a.g == null ? [] : [a.g]), ...(a.graphs ?? [])]) {
          sub.node.forEach((n) => n.input.forEach((i) => names.add(i)));
          visit(sub);
        }
      }
    }
  };
  visit(graph);
  return names;
}

export function planWeights(graph: OnnxGraph, options: PlanOptions): { plans: WeightPlan[]; skipped: SkippedWeight[] } {
  const uses = new Map<string, Use[]>();
  for (const node of graph.node) {
    node.input.forEach((input, index) => uses.set(input, [...(uses.get(input) ?? []), { node, index }]));
  }
  const graphInputs = new Set(graph.input.map((i) => i.name));
  const subgraphReads = namesReadInSubgraphs(graph);

  const plans: WeightPlan[] = [];
  const skipped: SkippedWeight[] = [];
  for (const tensor of graph.initializer) {
    const name = tensor.name ?? "";
    const readers = uses.get(name) ?? [];
    const weightUse = readers.find((u) => weightInput(u.node, options.ops)?.index === u.index);
    const op = weightUse === undefined ? undefined : weightInput(weightUse.node, options.ops)?.op;
    if (weightUse === undefined || op === undefined || tensor.dataType !== DataType.FLOAT) {
      continue; // not a float weight of a handled op: nothing to report
    }
    const skip = (reason: string): void => {
      skipped.push({ name, reason });
    };
    if (options.exclude.has(name)) {
      skip("excluded by option");
    } else if (isExternal(tensor)) {
      skip("data in an external file");
    } else if (graphInputs.has(name)) {
      skip("also a graph input, so callers may override it");
    } else if (elementCount(tensor) < options.minElements) {
      skip(`fewer than ${options.minElements} elements`);
    } else {
      const dims = tensorDims(tensor);
      const axis = options.perChannel ? channelAxis(op, weightUse.node, dims.length) : undefined;
      const rowGathersOnly =
        !subgraphReads.has(name) &&
        !graph.output.some((o) => o.name === name) &&
        readers.every(
          (u) =>
            u.index === 0 &&
            u.node.opType === "Gather" &&
            isDefaultDomain(u.node) &&
            channelAxis("Gather", u.node, dims.length) === 0,
        );
      const scheme = rowGathersOnly && options.perChannel ? "gather-rows" : "dequantize-linear";
      plans.push({ tensor, name, dims, op, axis, scheme });
    }
  }
  return { plans, skipped };
}
