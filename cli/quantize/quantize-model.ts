/**
 * @module
 * Weight-only int8 quantization for any ONNX model. Large float weights — MatMul / Gemm weights and
 * Gather embedding tables by default, Conv and recurrent weights on request — are stored as int8
 * with symmetric scales (per output channel by default) and turned back into float where they are
 * used. Activations stay float, so accuracy stays close to the original while the file shrinks ~4×.
 * Only standard ONNX ops are added (DequantizeLinear, or Cast + Mul on old opsets; Gather), so the
 * result runs on onnxruntime-node and onnxruntime-web alike. See weight-rewrite.ts for the graph
 * patterns and weight-plan.ts for what counts as a weight.
 */
import { decodeModel, encodeModel, opsetVersion } from "../onnx/onnx-codec.ts";
import type { OnnxGraph, OnnxModel } from "../onnx/onnx-types.ts";
import { UniqueNames } from "./unique-names.ts";
import { DEFAULT_WEIGHT_OPS, planWeights, subgraphsOf, type SkippedWeight, type WeightOp } from "./weight-plan.ts";
import { rewriteWeight, type Scheme } from "./weight-rewrite.ts";

export interface QuantizeOptions {
  /** Weights with fewer elements stay float (default 1024): their bytes do not matter. */
  readonly minElements?: number;
  /** One scale per output channel / table row (default), or one per tensor. */
  readonly granularity?: "per-channel" | "per-tensor";
  /** Which readers make a weight eligible (default DEFAULT_WEIGHT_OPS; WEIGHT_OPS lists all). */
  readonly ops?: readonly WeightOp[];
  /** Weight names to leave as they are. */
  readonly exclude?: readonly string[];
}

export interface QuantizedWeightReport {
  readonly name: string;
  readonly op: WeightOp;
  readonly scheme: Scheme;
  readonly axis: number | undefined;
  readonly elements: number;
  /** Where the float weight was: an initializer or a Constant node. */
  readonly source: "initializer" | "constant";
  /** True when it sits in a subgraph (If / Loop / Scan body). */
  readonly inSubgraph: boolean;
}

export interface QuantizeReport {
  readonly quantized: readonly QuantizedWeightReport[];
  readonly skipped: readonly SkippedWeight[];
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Things the caller should know, e.g. fields of a newer ONNX version that were not kept. */
  readonly warnings: readonly string[];
}

/** DequantizeLinear exists from opset 10, its per-channel `axis` from opset 13; older graphs get Cast + Mul. */
const OPSET_DEQUANTIZE = 10;
const OPSET_DEQUANTIZE_AXIS = 13;
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

  const opset = opsetVersion(model) ?? 1;
  const perChannel = (options.granularity ?? "per-channel") === "per-channel";
  const scheme: Scheme =
    opset >= OPSET_DEQUANTIZE_AXIS || (!perChannel && opset >= OPSET_DEQUANTIZE) ? "dequantize-linear" : "cast-mul";
  const planOptions = {
    minElements: options.minElements ?? 1024,
    perChannel,
    ops: options.ops ?? DEFAULT_WEIGHT_OPS,
    exclude: new Set(options.exclude ?? []),
  };
  const names = new UniqueNames(model.graph);
  const quantized: QuantizedWeightReport[] = [];
  const skipped: SkippedWeight[] = [];

  const visit = (graph: OnnxGraph, inSubgraph: boolean): void => {
    const plan = planWeights(graph, planOptions);
    skipped.push(...plan.skipped);
    for (const weight of plan.plans) {
      const used = weight.rowGathersOnly && perChannel ? "gather-rows" : scheme;
      rewriteWeight(graph, weight, used, names);
      quantized.push({
        name: weight.name,
        op: weight.op,
        scheme: used,
        axis: weight.axis,
        elements: weight.dims.reduce((a, b) => a * b, 1),
        source: weight.source.kind,
        inSubgraph,
      });
    }
    subgraphsOf(graph).forEach((sub) => visit(sub, true));
  };
  visit(model.graph, false);

  if (quantized.length > 0) {
    setMetadata(
      model,
      QUANTIZATION_METADATA_KEY,
      `int8 weight-only, symmetric, ${perChannel ? "per-channel" : "per-tensor"}`,
    );
  }
  const bytes = encodeModel(model);
  return { bytes, report: { quantized, skipped, bytesBefore: onnxBytes.length, bytesAfter: bytes.length, warnings } };
}

function setMetadata(model: OnnxModel, key: string, value: string): void {
  const props = (model.metadataProps ?? []).filter((p) => p.key !== key);
  props.push({ key, value });
  model.metadataProps = props;
}
