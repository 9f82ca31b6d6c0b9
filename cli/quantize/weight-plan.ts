/**
 * @module
 * Decides which float weights of an ONNX graph to store as int8, and how. A weight is a float
 * initializer or `Constant` node read as the weight input of a MatMul, Gemm, Gather (embedding
 * table), Conv, ConvTranspose or recurrent op — by a node of the same graph or of a subgraph
 * (If / Loop / Scan bodies read outer names). Scales run along the output channels.
 */
import { int64ToNumber } from "../onnx/onnx-codec.ts";
import { DataType, type OnnxGraph, type OnnxNode, type OnnxTensor } from "../onnx/onnx-types.ts";
import { elementCount, isExternal, tensorDims } from "../onnx/tensors.ts";

export type WeightOp = "MatMul" | "Gemm" | "Gather" | "Conv" | "ConvTranspose" | "LSTM" | "GRU" | "RNN";

interface WeightRole {
  /** Which inputs of the op are weights. */
  readonly inputs: readonly number[];
  /** Axis of the output channels for a weight of this rank, or undefined for one scale. */
  axis(node: OnnxNode, rank: number): number | undefined;
}

function intAttribute(node: OnnxNode, name: string, fallback: number): number {
  const found = node.attribute?.find((a) => a.name === name);
  return found?.i === undefined ? fallback : int64ToNumber(found.i);
}

const ROLES: Readonly<Record<WeightOp, WeightRole>> = {
  MatMul: { inputs: [1], axis: (_, rank) => (rank >= 2 ? rank - 1 : undefined) },
  Gemm: { inputs: [1], axis: (node) => (intAttribute(node, "transB", 0) === 1 ? 0 : 1) },
  /** Rows of the table (the gathered axis): one scale per embedding row. */
  Gather: {
    inputs: [0],
    axis: (node, rank) => {
      const axis = intAttribute(node, "axis", 0);
      return axis < 0 ? axis + rank : axis;
    },
  },
  /** [out, in/group, k…] */
  Conv: { inputs: [1], axis: () => 0 },
  /** [in, out/group, k…]: output channels are axis 1 only without groups. */
  ConvTranspose: { inputs: [1], axis: (node) => (intAttribute(node, "group", 1) === 1 ? 1 : undefined) },
  /** W and R are [directions, gates · hidden, …]. */
  LSTM: { inputs: [1, 2], axis: () => 1 },
  GRU: { inputs: [1, 2], axis: () => 1 },
  RNN: { inputs: [1, 2], axis: () => 1 },
};

/** Every op whose weights can be quantized. */
export const WEIGHT_OPS: readonly WeightOp[] = [
  "MatMul",
  "Gemm",
  "Gather",
  "Conv",
  "ConvTranspose",
  "LSTM",
  "GRU",
  "RNN",
];

/**
 * The default: dense layers and embedding tables, which tolerate int8 weights well. Conv and
 * recurrent weights are opt-in: small CNNs and signal-processing kernels (an STFT basis stored as a
 * Conv weight, as in Silero VAD) can lose accuracy, so an operator turns them on and checks.
 */
export const DEFAULT_WEIGHT_OPS: readonly WeightOp[] = ["MatMul", "Gemm", "Gather"];

export interface PlanOptions {
  readonly minElements: number;
  readonly perChannel: boolean;
  readonly ops: readonly WeightOp[];
  readonly exclude: ReadonlySet<string>;
}

/** Where a float weight lives in its graph. */
export type WeightSource =
  | { readonly kind: "initializer"; readonly tensor: OnnxTensor }
  | { readonly kind: "constant"; readonly tensor: OnnxTensor; readonly node: OnnxNode };

export interface WeightPlan {
  readonly name: string;
  readonly source: WeightSource;
  readonly dims: readonly number[];
  readonly op: WeightOp;
  /** Axis of the per-channel scales; undefined for one scale per tensor. */
  readonly axis: number | undefined;
  /** Every reader is a row Gather in this graph, so rows can be dequantized after gathering. */
  readonly rowGathersOnly: boolean;
}

export interface SkippedWeight {
  readonly name: string;
  readonly reason: string;
}

interface Use {
  readonly node: OnnxNode;
  readonly index: number;
}

function isDefaultDomain(node: OnnxNode): boolean {
  return node.domain === undefined || node.domain === "" || node.domain === "ai.onnx";
}

/** The subgraphs held by the nodes of `graph` (one level down). */
export function subgraphsOf(graph: OnnxGraph): OnnxGraph[] {
  return graph.node.flatMap((node) =>
    (node.attribute ?? []).flatMap((a) => [...(a.g == null ? [] : [a.g]), ...(a.graphs ?? [])]),
  );
}

function collectUses(nodes: readonly OnnxNode[], into: Map<string, Use[]>): void {
  for (const node of nodes) {
    node.input.forEach((input, index) => into.set(input, [...(into.get(input) ?? []), { node, index }]));
  }
}

/** Uses inside subgraphs, at any depth. */
function nestedUses(graph: OnnxGraph): Map<string, Use[]> {
  const uses = new Map<string, Use[]>();
  const visit = (g: OnnxGraph): void => {
    for (const sub of subgraphsOf(g)) {
      collectUses(sub.node, uses);
      visit(sub);
    }
  };
  visit(graph);
  return uses;
}

function weightRole(use: Use, ops: readonly WeightOp[]): { op: WeightOp; role: WeightRole } | undefined {
  if (!isDefaultDomain(use.node)) {
    return undefined;
  }
  const op = ops.find((o) => o === use.node.opType);
  const role = op === undefined ? undefined : ROLES[op];
  return op !== undefined && role !== undefined && role.inputs.includes(use.index) ? { op, role } : undefined;
}

function floatConstant(node: OnnxNode): OnnxTensor | undefined {
  if (node.opType !== "Constant" || !isDefaultDomain(node) || node.output.length !== 1) {
    return undefined;
  }
  const value = node.attribute?.find((a) => a.name === "value")?.t;
  return value != null && value.dataType === DataType.FLOAT ? value : undefined;
}

/** Plans the weights defined in `graph` itself (its subgraphs get their own call). */
export function planWeights(graph: OnnxGraph, options: PlanOptions): { plans: WeightPlan[]; skipped: SkippedWeight[] } {
  const direct = new Map<string, Use[]>();
  collectUses(graph.node, direct);
  const nested = nestedUses(graph);
  const graphInputs = new Set(graph.input.map((i) => i.name));
  const graphOutputs = new Set(graph.output.map((o) => o.name));

  const sources: { name: string; source: WeightSource }[] = [
    ...graph.initializer.map((tensor) => ({
      name: tensor.name ?? "",
      source: { kind: "initializer", tensor } as const,
    })),
    ...graph.node.flatMap((node) => {
      const tensor = floatConstant(node);
      return tensor === undefined
        ? []
        : [{ name: node.output[0] ?? "", source: { kind: "constant", tensor, node } as const }];
    }),
  ];

  const plans: WeightPlan[] = [];
  const skipped: SkippedWeight[] = [];
  for (const { name, source } of sources) {
    const directUses = direct.get(name) ?? [];
    const allUses = [...directUses, ...(nested.get(name) ?? [])];
    const weightUse = allUses
      .map((use) => ({ use, role: weightRole(use, options.ops) }))
      .find((u) => u.role !== undefined);
    if (weightUse?.role === undefined || source.tensor.dataType !== DataType.FLOAT) {
      continue; // not a float weight of a handled op: nothing to report
    }
    const reason = options.exclude.has(name)
      ? "excluded by option"
      : isExternal(source.tensor)
        ? "data in an external file"
        : graphInputs.has(name)
          ? "also a graph input, so callers may override it"
          : elementCount(source.tensor) < options.minElements
            ? `fewer than ${options.minElements} elements`
            : undefined;
    if (reason !== undefined) {
      skipped.push({ name, reason });
      continue;
    }
    const dims = tensorDims(source.tensor);
    const axis = options.perChannel ? weightUse.role.role.axis(weightUse.use.node, dims.length) : undefined;
    const rowGathersOnly =
      allUses.length === directUses.length &&
      !graphOutputs.has(name) &&
      directUses.every(
        (u) =>
          u.index === 0 &&
          u.node.opType === "Gather" &&
          isDefaultDomain(u.node) &&
          ROLES.Gather.axis(u.node, dims.length) === 0,
      );
    plans.push({ name, source, dims, op: weightUse.role.op, axis, rowGathersOnly });
  }
  return { plans, skipped };
}
