/**
 * @module
 * One USE-lite transformer layer read from the TF.js graph: pre-norm multi-head self-attention
 * and a ReLU feed-forward block, each with a residual connection.
 */
import type { TfGraph } from "./tfjs-graph.ts";
import { expectPlainMatMul, matrix, STACK, vector, type Dense, type LayerNormSpec } from "./use-lite-parts.ts";

export interface UseLiteLayer {
  /** Width of the layer's input (and of the attention projections). */
  readonly inputWidth: number;
  /** Width of the layer's output. */
  readonly width: number;
  readonly attentionNorm: LayerNormSpec;
  /** `[inputWidth, 3 · inputWidth]`: query | key | value, split in that order. */
  readonly qkv: Dense;
  readonly heads: number;
  readonly headDim: number;
  /** Queries are multiplied by this before the dot product. */
  readonly queryScale: number;
  /** `[inputWidth, width]` */
  readonly attentionOutput: Dense;
  /** Projects the layer input onto the output width for the residual; absent when widths match. */
  readonly residual: Dense | undefined;
  readonly ffnNorm: LayerNormSpec;
  readonly ffnIn: Dense;
  readonly ffnOut: Dense;
}

export function readUseLiteLayer(graph: TfGraph, index: number, input: string, inputWidth: number): UseLiteLayer {
  const p = `${STACK}/Layer_${index}/TransformerLayer`;
  const mha = `${p}/MultiheadAttention`;

  const attentionNorm = readLayerNorm(graph, `${p}/layer_prepostprocess/layer_norm`, input, inputWidth);

  graph.expect(`${mha}/ExpandDims`, "ExpandDims", [`${p}/layer_prepostprocess/layer_norm/add_1`, undefined]);
  const qkv = readConv1x1(graph, `${mha}/qkv_transform_single`, `${mha}/ExpandDims`, inputWidth);
  graph.expect(`${mha}/Squeeze`, "Squeeze", [`${mha}/qkv_transform_single/BiasAdd`]);
  const split = graph.expect(`${mha}/split`, "SplitV", [`${mha}/Squeeze`, undefined, undefined]);
  const sizes = graph.ints(split.input[1] ?? "");
  if (sizes.length !== 3 || sizes.some((s) => s !== inputWidth) || qkv.kernel.cols !== 3 * inputWidth) {
    throw new Error(`USE-lite import: layer ${index} does not split q, k, v into equal ${inputWidth}-wide parts`);
  }

  const [heads, headDim] = readHeadSplit(graph, mha, index, inputWidth);
  const queryScale = readDotProductAttention(graph, mha, index);
  const attentionOutput = readConv1x1(graph, `${mha}/output_transform_single`, `${mha}/ExpandDims_1`, inputWidth);
  graph.expect(`${mha}/Squeeze_1`, "Squeeze", [`${mha}/output_transform_single/BiasAdd`]);
  const width = attentionOutput.kernel.cols;

  const residualInput = graph.expect(`${p}/layer_postprocess/add`, "Add", [`${mha}/Squeeze_1`, undefined]).input[1];
  const residual = residualInput === input ? undefined : readResidualProjection(graph, p, input, inputWidth, width);
  if (residual === undefined && inputWidth !== width) {
    throw new Error(`USE-lite import: layer ${index} changes width without a residual projection`);
  }

  const { ffnNorm, ffnIn, ffnOut } = readFeedForward(graph, p, index, width);

  return {
    inputWidth,
    width,
    attentionNorm,
    qkv,
    heads,
    headDim,
    queryScale,
    attentionOutput,
    residual,
    ffnNorm,
    ffnIn,
    ffnOut,
  };
}

/** q, k and v each reshaped to [batch, time, heads, headDim] with heads before time; the heads tile the width. */
function readHeadSplit(graph: TfGraph, mha: string, index: number, inputWidth: number): readonly [number, number] {
  // split:0 → queries, split:1 → keys, split:2 → values; each reshaped to [batch, time, heads, headDim].
  const suffixes = ["", "_1", "_2"] as const;
  const headShapes = suffixes.map((suffix, part) => {
    const heads = `${mha}/split_heads${suffix}`;
    graph.expect(`${heads}/split_last_dimension/Reshape`, "Reshape", [
      part === 0 ? `${mha}/split` : `${mha}/split:${part}`,
      `${heads}/split_last_dimension/Reshape/shape`,
    ]);
    const pack = graph.expect(`${heads}/split_last_dimension/Reshape/shape`, "Pack");
    const transpose = graph.expect(`${heads}/transpose`, "Transpose", [
      `${heads}/split_last_dimension/Reshape`,
      undefined,
    ]);
    if (graph.ints(transpose.input[1] ?? "").join() !== "0,2,1,3") {
      throw new Error(`USE-lite import: ${heads} does not move heads before time`);
    }
    return [graph.scalar(pack.input[2] ?? ""), graph.scalar(pack.input[3] ?? "")] as const;
  });
  const [heads, headDim] = headShapes[0] ?? [0, 0];
  if (heads * headDim !== inputWidth || headShapes.some(([h, d]) => h !== heads || d !== headDim)) {
    throw new Error(`USE-lite import: layer ${index} heads do not tile the ${inputWidth}-wide projections`);
  }
  return [heads, headDim];
}

/** softmax(q · scale · kᵀ + padding mask) · v; returns the scale applied to the queries. */
function readDotProductAttention(graph: TfGraph, mha: string, index: number): number {
  const attention = `${mha}/DotProductAttention/BaseDotProductAttention`;
  const scaled = graph.expect(`${mha}/mul`, "Mul", [`${mha}/split_heads/transpose`, undefined]);
  const queryScale = graph.scalar(scaled.input[1] ?? "");
  graph.expect(`${attention}/MatMul`, "BatchMatMul", [`${mha}/mul`, `${mha}/split_heads_1/transpose`]);
  if (graph.attrBool(`${attention}/MatMul`, "adj_x") || !graph.attrBool(`${attention}/MatMul`, "adj_y")) {
    throw new Error(`USE-lite import: layer ${index} logits are not q · kᵀ`);
  }
  const maskBias = `${STACK}/Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding`;
  graph.expect(`${attention}/add`, "Add", [`${attention}/MatMul`, `${maskBias}/ExpandDims_1`]);
  graph.expect(`${attention}/Reshape`, "Reshape", [`${attention}/add`, undefined]);
  graph.expect(`${attention}/Softmax`, "Softmax", [`${attention}/Reshape`]);
  graph.expect(`${attention}/attention_weights`, "Reshape", [`${attention}/Softmax`, undefined]);
  graph.expect(`${attention}/MatMul_1`, "BatchMatMul", [
    `${attention}/attention_weights`,
    `${mha}/split_heads_2/transpose`,
  ]);
  if (graph.attrBool(`${attention}/MatMul_1`, "adj_x") || graph.attrBool(`${attention}/MatMul_1`, "adj_y")) {
    throw new Error(`USE-lite import: layer ${index} does not compute weights · v`);
  }
  graph.expect(`${mha}/combine_heads/transpose`, "Transpose", [`${attention}/MatMul_1`, undefined]);
  graph.expect(`${mha}/combine_heads/combine_last_two_dimensions/Reshape`, "Reshape", [
    `${mha}/combine_heads/transpose`,
    undefined,
  ]);
  graph.expect(`${mha}/ExpandDims_1`, "ExpandDims", [
    `${mha}/combine_heads/combine_last_two_dimensions/Reshape`,
    undefined,
  ]);
  return queryScale;
}

/** The pre-norm ReLU feed-forward block with its residual connection. */
function readFeedForward(
  graph: TfGraph,
  p: string,
  index: number,
  width: number,
): { ffnNorm: LayerNormSpec; ffnIn: Dense; ffnOut: Dense } {
  const ffn = `${p}/FFN`;
  const ffnNorm = readLayerNorm(graph, `${ffn}/layer_prepostprocess/layer_norm`, `${p}/layer_postprocess/add`, width);
  graph.expect(`${ffn}/Gather/GatherNd`, "GatherNd", [`${ffn}/layer_prepostprocess/layer_norm/add_1`, undefined]);
  graph.expect(`${ffn}/ExpandDims`, "ExpandDims", [`${ffn}/Gather/GatherNd`, undefined]);
  const ffnIn = readTensordot(graph, `${ffn}/conv1`, `${ffn}/ExpandDims`, width);
  graph.expect(`${ffn}/conv1/Relu`, "Relu", [`${ffn}/conv1/BiasAdd`]);
  const ffnOut = readTensordot(graph, `${ffn}/conv2`, `${ffn}/conv1/Relu`, ffnIn.kernel.cols);
  if (ffnOut.kernel.cols !== width) {
    throw new Error(`USE-lite import: layer ${index} feed-forward does not return to width ${width}`);
  }
  graph.expect(`${ffn}/Squeeze`, "Squeeze", [`${ffn}/conv2/BiasAdd`]);
  graph.expect(`${ffn}/Scatter/ScatterNd`, "ScatterNd", [undefined, `${ffn}/Squeeze`, undefined]);
  graph.expect(`${ffn}/layer_postprocess/add`, "Add", [`${ffn}/Scatter/ScatterNd`, `${p}/layer_postprocess/add`]);
  return { ffnNorm, ffnIn, ffnOut };
}

/** scale · (x − mean) / sqrt(var + eps) + bias, over the last axis, spelled out in TF ops. */
function readLayerNorm(graph: TfGraph, prefix: string, input: string, width: number): LayerNormSpec {
  graph.expect(`${prefix}/Mean`, "Mean", [input, undefined]);
  graph.expect(`${prefix}/sub_1`, "Sub", [input, `${prefix}/Mean`]);
  graph.expect(`${prefix}/Square`, "Square", [`${prefix}/sub_1`]);
  graph.expect(`${prefix}/Mean_1`, "Mean", [`${prefix}/Square`, undefined]);
  for (const mean of [`${prefix}/Mean`, `${prefix}/Mean_1`]) {
    if (graph.ints(graph.input(mean, 1)).join() !== "-1") {
      throw new Error(`USE-lite import: ${mean} does not reduce the last axis`);
    }
  }
  const add = graph.expect(`${prefix}/add`, "Add", [`${prefix}/Mean_1`, undefined]);
  graph.expect(`${prefix}/Rsqrt`, "Rsqrt", [`${prefix}/add`]);
  const mul = graph.expect(`${prefix}/mul`, "Mul", [undefined, `${prefix}/Rsqrt`]);
  graph.expect(`${prefix}/mul_1`, "Mul", [`${prefix}/mul`, `${prefix}/sub_1`]);
  const add1 = graph.expect(`${prefix}/add_1`, "Add", [`${prefix}/mul_1`, undefined]);
  return {
    scale: vector(graph, mul.input[0] ?? "", width),
    bias: vector(graph, add1.input[1] ?? "", width),
    epsilon: graph.scalar(add.input[1] ?? ""),
  };
}

/** A 1×1 VALID, stride-1 Conv2D over [batch, time, 1, in] plus bias: a dense layer. */
function readConv1x1(graph: TfGraph, prefix: string, input: string, inputWidth: number): Dense {
  const conv = graph.expect(`${prefix}/Conv2D`, "Conv2D", [input, undefined]);
  if (
    graph.attrString(`${prefix}/Conv2D`, "padding") !== "VALID" ||
    graph.attrInts(`${prefix}/Conv2D`, "strides").some((s) => s !== 1)
  ) {
    throw new Error(`USE-lite import: ${prefix}/Conv2D is not a plain 1×1 convolution`);
  }
  const { data, shape } = graph.floats(conv.input[1] ?? "", [1, 1, inputWidth, -1]);
  const kernel = { rows: inputWidth, cols: shape[3] ?? 0, data };
  const biasAdd = graph.expect(`${prefix}/BiasAdd`, "BiasAdd", [`${prefix}/Conv2D`, undefined]);
  return { kernel, bias: vector(graph, biasAdd.input[1] ?? "", kernel.cols) };
}

/** tf.tensordot(x, W, 1) + bias, as TF lowers it: reshape → MatMul → reshape → BiasAdd. */
function readTensordot(graph: TfGraph, prefix: string, input: string, inputWidth: number): Dense {
  graph.expect(`${prefix}/Tensordot/Reshape`, "Reshape", [input, undefined]);
  const matMul = graph.expect(`${prefix}/Tensordot/MatMul`, "MatMul", [`${prefix}/Tensordot/Reshape`, undefined]);
  expectPlainMatMul(graph, `${prefix}/Tensordot/MatMul`);
  const kernel = matrix(graph, matMul.input[1] ?? "", inputWidth, -1);
  graph.expect(`${prefix}/Tensordot`, "Reshape", [`${prefix}/Tensordot/MatMul`, undefined]);
  const biasAdd = graph.expect(`${prefix}/BiasAdd`, "BiasAdd", [`${prefix}/Tensordot`, undefined]);
  return { kernel, bias: vector(graph, biasAdd.input[1] ?? "", kernel.cols) };
}

/** AdjustResidualInput: the residual is dense(layer input), scattered back to the padded grid. */
function readResidualProjection(graph: TfGraph, p: string, input: string, inputWidth: number, width: number): Dense {
  const adjust = `${p}/AdjustResidualInput`;
  graph.expect(`${p}/layer_postprocess/add`, "Add", [undefined, `${adjust}/Scatter/ScatterNd`]);
  graph.expect(`${adjust}/Scatter/ScatterNd`, "ScatterNd", [undefined, `${adjust}/dense/BiasAdd`, undefined]);
  const biasAdd = graph.expect(`${adjust}/dense/BiasAdd`, "BiasAdd", [`${adjust}/dense/MatMul`, undefined]);
  const matMul = graph.expect(`${adjust}/dense/MatMul`, "MatMul", [`${adjust}/Gather/GatherNd`, undefined]);
  expectPlainMatMul(graph, `${adjust}/dense/MatMul`);
  graph.expect(`${adjust}/Gather/GatherNd`, "GatherNd", [input, undefined]);
  const kernel = matrix(graph, matMul.input[1] ?? "", inputWidth, width);
  return { kernel, bias: vector(graph, biasAdd.input[1] ?? "", width) };
}
