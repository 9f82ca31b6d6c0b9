/**
 * @module
 * What the USE-lite TF.js graph computes, as plain numbers and matrices. `readUseLiteSpec` walks the
 * graph and checks each step of the data flow it relies on, so a different export fails here instead
 * of converting into a model that silently computes something else.
 *
 * The graph (TF Hub universal-sentence-encoder-lite, "KonaTransformer"):
 *   ids → clip to the first `maxLength` positions → embedding lookup (256-d)
 *   x = emb + (emb + timing(position))             (sin | cos, timing added on top of the embedding)
 *   per layer: h = MHA(LN(x)) + residual(x)       (residual = dense(x) when the width changes)
 *              x = FFN(LN(h)) + h                  (FFN = relu(h·W1 + b1)·W2 + b2)
 *   mean over real tokens (divisor at least 1) → tanh(·W + b) → L2 normalise (sum of squares ≥ eps)
 */
import type { TfGraph } from "./tfjs-graph.ts";
import { readUseLiteLayer, type UseLiteLayer } from "./use-lite-layer.ts";
import { expectPlainMatMul, KONA, matrix, ROOT, STACK, vector, type Dense, type Matrix } from "./use-lite-parts.ts";

export interface UseLiteSpec {
  /** `[vocab, embeddingWidth]` */
  readonly embeddings: Matrix;
  /** Tokens past this position are dropped by the graph. */
  readonly maxLength: number;
  /** Frequencies of the sinusoidal timing signal: position · f, sin for the first half, cos for the second. */
  readonly invTimescales: Float32Array;
  /** Added to attention logits of padding keys. */
  readonly maskBias: number;
  readonly layers: readonly UseLiteLayer[];
  /** The mean divides by max(tokens, lengthFloor). */
  readonly lengthFloor: number;
  /** tanh(pooled · W + b) */
  readonly head: Dense;
  /** L2 normalisation divides by sqrt(max(sum of squares, l2Epsilon)). */
  readonly l2Epsilon: number;
}

export function readUseLiteSpec(graph: TfGraph): UseLiteSpec {
  graph.expect("indices", "Placeholder");
  graph.expect("values", "Placeholder");

  // Clipping: keep sparse entries whose position (column 1 of `indices`) is below the limit.
  graph.expect(`${KONA}/ClipToMaxLength/strided_slice`, "StridedSlice", ["indices", undefined, undefined, undefined]);
  const clipColumn = graph.ints(graph.input(`${KONA}/ClipToMaxLength/strided_slice`, 1));
  if (clipColumn[1] !== 1) {
    throw new Error("USE-lite import: ClipToMaxLength does not read the position column");
  }
  graph.expect(`${KONA}/ClipToMaxLength/Less`, "Less", [`${KONA}/ClipToMaxLength/strided_slice`, undefined]);
  const maxLength = graph.scalar(graph.input(`${KONA}/ClipToMaxLength/Less`, 1));

  // Embedding lookup of the clipped ids; padding is the SparseToDense default (-1), real tokens are > -1.
  const lookup = graph.expect(`${KONA}/Encode/embedding_lookup`, "GatherV2", [
    undefined,
    `${KONA}/ClipToMaxLength/GatherV2_1`,
    undefined,
  ]);
  if (graph.scalar(lookup.input[2] ?? "") !== 0) {
    throw new Error("USE-lite import: the embedding lookup does not gather rows");
  }
  const embeddings = matrix(graph, lookup.input[0] ?? "");
  graph.expect(`${KONA}/Encode/Greater`, "Greater", [
    `${KONA}/Encode/SparseToDense`,
    `${KONA}/Encode/SparseToDense/default_value`,
  ]);

  const invTimescales = readTimingSignal(graph, embeddings.cols);
  const maskBias = readMaskBias(graph);

  const layers: UseLiteLayer[] = [];
  for (
    let i = 0;
    graph.has(`${STACK}/Layer_${i}/TransformerLayer/MultiheadAttention/qkv_transform_single/Conv2D`);
    i++
  ) {
    const input =
      i === 0 ? `${STACK}/Layer_0/add` : `${STACK}/Layer_${i - 1}/TransformerLayer/FFN/layer_postprocess/add`;
    const previousWidth = i === 0 ? embeddings.cols : (layers[i - 1]?.width ?? 0);
    layers.push(readUseLiteLayer(graph, i, input, previousWidth));
  }
  const last = layers.at(-1);
  if (last === undefined) {
    throw new Error("USE-lite import: the graph has no transformer layers");
  }
  const encoded = `${STACK}/Layer_${layers.length - 1}/TransformerLayer/FFN/layer_postprocess/add`;
  const lengthFloor = readPooling(graph, encoded);
  const { head, l2Epsilon } = readHead(graph, last.width);

  return { embeddings, maxLength, invTimescales, maskBias, layers, lengthFloor, head, l2Epsilon };
}

/** x0 = emb + (emb + [sin(p·f), cos(p·f)]), at real-token positions p. */
function readTimingSignal(graph: TfGraph, width: number): Float32Array {
  const timing = `${STACK}/Layer_0/AddTimingSignal`;
  const mul = graph.expect(`${timing}/TimingSignal/mul_2`, "Mul", [`${timing}/TimingSignal/ExpandDims`, undefined]);
  const invTimescales = graph.floats(mul.input[1] ?? "", [1, width / 2]).data;
  graph.expect(`${timing}/TimingSignal/ExpandDims`, "ExpandDims", [`${timing}/TimingSignal/ToFloat_2`, undefined]);
  graph.expect(`${timing}/TimingSignal/ToFloat_2`, "Cast", [`${timing}/strided_slice_2`]);
  // Positions are column 1 of Where(mask): the index of each real token within its sentence.
  graph.expect(`${timing}/strided_slice_2`, "StridedSlice", [
    `${STACK}/Layer_1/TransformerLayer/FFN/StoreMask/Where`,
    undefined,
    undefined,
    undefined,
  ]);
  graph.expect(`${STACK}/Layer_1/TransformerLayer/FFN/StoreMask/Where`, "Where", [`${KONA}/Encode/Greater`]);
  graph.expect(`${timing}/TimingSignal/Sin`, "Sin", [`${timing}/TimingSignal/mul_2`]);
  graph.expect(`${timing}/TimingSignal/Cos`, "Cos", [`${timing}/TimingSignal/mul_2`]);
  const concat = graph.expect(`${timing}/TimingSignal/concat`, "ConcatV2", [
    `${timing}/TimingSignal/Sin`,
    `${timing}/TimingSignal/Cos`,
    undefined,
  ]);
  if (graph.scalar(concat.input[2] ?? "") !== 1) {
    throw new Error("USE-lite import: the timing signal is not concatenated along the feature axis");
  }
  graph.expect(`${timing}/Gather/GatherNd`, "GatherNd", [`${KONA}/Encode/Scatter/ScatterNd`, undefined]);
  graph.expect(`${timing}/add`, "Add", [`${timing}/Gather/GatherNd`, `${timing}/TimingSignal/concat`]);
  graph.expect(`${timing}/Scatter/ScatterNd`, "ScatterNd", [undefined, `${timing}/add`, undefined]);
  graph.expect(`${KONA}/Encode/Scatter/ScatterNd`, "ScatterNd", [
    undefined,
    `${KONA}/Encode/embedding_lookup`,
    undefined,
  ]);
  graph.expect(`${STACK}/Layer_0/add`, "Add", [`${KONA}/Encode/Scatter/ScatterNd`, `${timing}/Scatter/ScatterNd`]);
  return invTimescales;
}

/** Attention bias: (not real token) · maskBias, broadcast over heads and queries. */
function readMaskBias(graph: TfGraph): number {
  const bias = `${STACK}/Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention`;
  graph.expect(`${bias}/LogicalNot`, "LogicalNot", [`${KONA}/Encode/Greater`]);
  graph.expect(`${bias}/ToFloat`, "Cast", [`${bias}/LogicalNot`]);
  const mul = graph.expect(`${bias}/attention_bias_ignore_padding/mul`, "Mul", [`${bias}/ToFloat`, undefined]);
  return graph.scalar(mul.input[1] ?? "");
}

/** Mean over real tokens: sum(x · mask) / max(count, floor). Returns the floor. */
function readPooling(graph: TfGraph, encoded: string): number {
  graph.expect(`${STACK}/MaskLength/ToInt32`, "Cast", [`${KONA}/Encode/Greater`]);
  graph.expect(`${STACK}/MaskLength/Sum`, "Sum", [`${STACK}/MaskLength/ToInt32`, undefined]);
  graph.expect(`${KONA}/SequenceMask/Less`, "Less", [`${KONA}/SequenceMask/Range`, `${KONA}/SequenceMask/ExpandDims`]);
  graph.expect(`${KONA}/SequenceMask/ExpandDims`, "ExpandDims", [`${STACK}/MaskLength/Sum`, undefined]);
  graph.expect(`${KONA}/ToFloat`, "Cast", [`${KONA}/SequenceMask/Less`]);
  graph.expect(`${KONA}/ExpandDims`, "ExpandDims", [`${KONA}/ToFloat`, undefined]);
  graph.expect(`${KONA}/mul`, "Mul", [encoded, `${KONA}/ExpandDims`]);
  const sum = graph.expect(`${KONA}/Sum`, "Sum", [`${KONA}/mul`, undefined]);
  if (graph.scalar(sum.input[1] ?? "") !== 1) {
    throw new Error("USE-lite import: pooling does not sum over the sequence axis");
  }
  const maximum = graph.expect(`${KONA}/Maximum`, "Maximum", [`${STACK}/MaskLength/Sum`, undefined]);
  graph.expect(`${KONA}/ToFloat_1`, "Cast", [`${KONA}/Maximum`]);
  graph.expect(`${KONA}/ExpandDims_1`, "ExpandDims", [`${KONA}/ToFloat_1`, undefined]);
  graph.expect(`${KONA}/div`, "RealDiv", [`${KONA}/Sum`, `${KONA}/ExpandDims_1`]);
  return graph.scalar(maximum.input[1] ?? "");
}

/** tanh(pooled · W + b), then x / sqrt(max(sum(x²), eps)) — and that is the graph's output. */
function readHead(graph: TfGraph, width: number): { head: Dense; l2Epsilon: number } {
  const tanh = `${ROOT}/hidden_layers/tanh_layer_0`;
  if (graph.has(`${ROOT}/hidden_layers/tanh_layer_1/MatMul`)) {
    throw new Error("USE-lite import: more than one hidden tanh layer is not supported");
  }
  const matMul = graph.expect(`${tanh}/MatMul`, "MatMul", [`${KONA}/div`, undefined]);
  expectPlainMatMul(graph, `${tanh}/MatMul`);
  const kernel = matrix(graph, matMul.input[1] ?? "", width, -1);
  const biasAdd = graph.expect(`${tanh}/BiasAdd`, "BiasAdd", [`${tanh}/MatMul`, undefined]);
  const bias = vector(graph, biasAdd.input[1] ?? "", kernel.cols);
  graph.expect(`${tanh}/Tanh`, "Tanh", [`${tanh}/BiasAdd`]);

  const l2 = `${ROOT}/hidden_layers/l2_normalize`;
  graph.expect(`${l2}/Square`, "Square", [`${tanh}/Tanh`]);
  graph.expect(`${l2}/Sum`, "Sum", [`${l2}/Square`, undefined]);
  const maximum = graph.expect(`${l2}/Maximum`, "Maximum", [`${l2}/Sum`, undefined]);
  graph.expect(`${l2}/Rsqrt`, "Rsqrt", [`${l2}/Maximum`]);
  graph.expect(l2, "Mul", [`${tanh}/Tanh`, `${l2}/Rsqrt`]);
  if (graph.consumersOf(l2).length > 0) {
    throw new Error("USE-lite import: the L2-normalised embedding is not the graph's output");
  }
  return { head: { kernel, bias }, l2Epsilon: graph.scalar(maximum.input[1] ?? "") };
}
