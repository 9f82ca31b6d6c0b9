/**
 * @module
 * Writes the USE-lite architecture (read by use-lite-spec.ts) as a standard ONNX graph, opset 17,
 * float32. Inputs are a padded batch of SentencePiece ids plus a mask of real tokens; the output is
 * the L2-normalised 512-d sentence embedding, as the TF.js model gives it.
 *
 * Where the TF graph gathers real tokens, computes and scatters them back, this graph computes on
 * the padded grid and relies on the mask: padding keys get `maskBias` in attention and padding rows
 * are left out of the mean, so real tokens see exactly what they see in TF.
 */
import { attr, GraphBuilder } from "../onnx/graph-builder.ts";
import { DataType, type OnnxModel } from "../onnx/onnx-types.ts";
import { floatTensor, int64Tensor } from "../onnx/tensors.ts";
import { timingSignalTable } from "./timing-signal.ts";
import type { UseLiteLayer } from "./use-lite-layer.ts";
import type { Dense, LayerNormSpec } from "./use-lite-parts.ts";
import type { UseLiteSpec } from "./use-lite-spec.ts";

export const USE_LITE_INPUT_IDS = "input_ids";
export const USE_LITE_ATTENTION_MASK = "attention_mask";
export const USE_LITE_OUTPUT = "embeddings";
export const USE_LITE_OPSET = 17;
/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;

export interface UseLiteOnnxOptions {
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
}

function scalar(b: GraphBuilder, name: string, value: number): string {
  return b.initializer(floatTensor(name, [], Float32Array.of(value)));
}

function ints(b: GraphBuilder, name: string, values: readonly number[]): string {
  return b.initializer(int64Tensor(name, [values.length], values));
}

function dense(b: GraphBuilder, x: string, layer: Dense, name: string): string {
  const kernel = b.initializer(
    floatTensor(`${name}/kernel`, [layer.kernel.rows, layer.kernel.cols], layer.kernel.data),
  );
  const bias = b.initializer(floatTensor(`${name}/bias`, [layer.bias.length], layer.bias));
  return b.op("Add", [b.op("MatMul", [x, kernel], `${name}/matmul`), bias], name);
}

function layerNorm(b: GraphBuilder, x: string, norm: LayerNormSpec, name: string): string {
  const scale = b.initializer(floatTensor(`${name}/scale`, [norm.scale.length], norm.scale));
  const bias = b.initializer(floatTensor(`${name}/bias`, [norm.bias.length], norm.bias));
  return b.op("LayerNormalization", [x, scale, bias], name, { axis: attr.int(-1), epsilon: attr.float(norm.epsilon) });
}

/** Self-attention with `heads` heads; `bias` is [batch, 1, 1, time], added to the logits. */
function attention(b: GraphBuilder, x: string, layer: UseLiteLayer, bias: string, name: string): string {
  const qkv = dense(b, x, layer.qkv, `${name}/qkv`);
  const width = layer.inputWidth;
  const [q, k, v] = b.opMulti(
    "Split",
    [qkv, ints(b, `${name}/split_sizes`, [width, width, width])],
    `${name}/split`,
    3,
    { axis: attr.int(2) },
  );
  const headShape = ints(b, `${name}/head_shape`, [0, 0, layer.heads, layer.headDim]);
  const toHeads = (t: string | undefined, part: string, perm: readonly number[]): string =>
    b.op("Transpose", [b.op("Reshape", [t ?? "", headShape], `${name}/${part}_heads`)], `${name}/${part}_transposed`, {
      perm: attr.ints(perm),
    });

  const queries = b.op(
    "Mul",
    [toHeads(q, "query", [0, 2, 1, 3]), scalar(b, `${name}/query_scale`, layer.queryScale)],
    `${name}/query_scaled`,
  );
  const keys = toHeads(k, "key", [0, 2, 3, 1]);
  const values = toHeads(v, "value", [0, 2, 1, 3]);
  const logits = b.op("Add", [b.op("MatMul", [queries, keys], `${name}/logits`), bias], `${name}/logits_masked`);
  const weights = b.op("Softmax", [logits], `${name}/weights`, { axis: attr.int(-1) });
  const context = b.op(
    "Transpose",
    [b.op("MatMul", [weights, values], `${name}/context_heads`)],
    `${name}/context_transposed`,
    { perm: attr.ints([0, 2, 1, 3]) },
  );
  const merged = b.op("Reshape", [context, ints(b, `${name}/merged_shape`, [0, 0, width])], `${name}/context`);
  return dense(b, merged, layer.attentionOutput, `${name}/output`);
}

function transformerLayer(b: GraphBuilder, x: string, layer: UseLiteLayer, bias: string, index: number): string {
  const name = `layer_${index}`;
  const attended = attention(
    b,
    layerNorm(b, x, layer.attentionNorm, `${name}/attention_norm`),
    layer,
    bias,
    `${name}/attention`,
  );
  const residual = layer.residual === undefined ? x : dense(b, x, layer.residual, `${name}/residual`);
  const h = b.op("Add", [attended, residual], `${name}/attention_residual`);
  const hidden = b.op(
    "Relu",
    [dense(b, layerNorm(b, h, layer.ffnNorm, `${name}/ffn_norm`), layer.ffnIn, `${name}/ffn_in`)],
    `${name}/ffn_relu`,
  );
  return b.op("Add", [dense(b, hidden, layer.ffnOut, `${name}/ffn_out`), h], `${name}/output`);
}

export function buildUseLiteOnnx(spec: UseLiteSpec, options: UseLiteOnnxOptions): OnnxModel {
  const b = new GraphBuilder("use_lite");
  const inputIds = b.input(USE_LITE_INPUT_IDS, DataType.INT64, ["batch", "sequence"]);
  const attentionMask = b.input(USE_LITE_ATTENTION_MASK, DataType.INT64, ["batch", "sequence"]);

  // The TF graph drops tokens past maxLength; so does this one.
  const zero = ints(b, "const/zero", [0]);
  const one = ints(b, "const/one", [1]);
  const clipEnd = ints(b, "clip/end", [spec.maxLength]);
  const ids = b.op("Slice", [inputIds, zero, clipEnd, one], "clip/input_ids");
  const mask = b.op("Cast", [b.op("Slice", [attentionMask, zero, clipEnd, one], "clip/attention_mask")], "mask/float", {
    to: attr.int(DataType.FLOAT),
  });

  // x0 = emb + (emb + timing), in the TF graph's order of additions.
  const table = b.initializer(
    floatTensor("embeddings/table", [spec.embeddings.rows, spec.embeddings.cols], spec.embeddings.data),
  );
  const embedded = b.op("Gather", [table, ids], "embeddings/lookup", { axis: attr.int(0) });
  const timingTable = b.initializer(
    floatTensor(
      "timing/table",
      [spec.maxLength, spec.embeddings.cols],
      timingSignalTable(spec.invTimescales, spec.maxLength),
    ),
  );
  const sequence = b.op("Shape", [ids], "timing/sequence_length", { start: attr.int(1), end: attr.int(2) });
  const timing = b.op("Slice", [timingTable, zero, sequence, zero], "timing/signal");
  let x = b.op("Add", [embedded, b.op("Add", [embedded, timing], "embeddings/timed")], "embeddings/output");

  // Attention bias: maskBias where the key is padding, 0 where it is a real token; [batch, 1, 1, time].
  const padding = b.op("Sub", [scalar(b, "mask/one", 1), mask], "mask/padding");
  const biasFlat = b.op("Mul", [padding, scalar(b, "mask/bias_value", spec.maskBias)], "mask/bias_flat");
  const bias = b.op("Unsqueeze", [biasFlat, ints(b, "mask/bias_axes", [1, 2])], "mask/attention_bias");

  spec.layers.forEach((layer, index) => {
    x = transformerLayer(b, x, layer, bias, index);
  });

  // Mean over real tokens, dividing by at least lengthFloor.
  const maskColumn = b.op("Unsqueeze", [mask, ints(b, "pool/mask_axes", [2])], "pool/mask");
  const summed = b.op("ReduceSum", [b.op("Mul", [x, maskColumn], "pool/masked"), one], "pool/sum", {
    keepdims: attr.int(0),
  });
  const count = b.op("ReduceSum", [mask, one], "pool/count", { keepdims: attr.int(1) });
  const divisor = b.op("Max", [count, scalar(b, "pool/length_floor", spec.lengthFloor)], "pool/divisor");
  const pooled = b.op("Div", [summed, divisor], "pool/mean");

  // tanh head, then x · rsqrt(max(sum(x²), eps)).
  const hidden = b.op("Tanh", [dense(b, pooled, spec.head, "head/dense")], "head/tanh");
  const squares = b.op("ReduceSum", [b.op("Mul", [hidden, hidden], "l2/square"), one], "l2/sum", {
    keepdims: attr.int(1),
  });
  const floored = b.op("Max", [squares, scalar(b, "l2/epsilon", spec.l2Epsilon)], "l2/floored");
  const inverseNorm = b.op("Reciprocal", [b.op("Sqrt", [floored], "l2/norm")], "l2/inverse_norm");
  b.op("Mul", [hidden, inverseNorm], USE_LITE_OUTPUT);
  b.output(USE_LITE_OUTPUT, DataType.FLOAT, ["batch", spec.head.kernel.cols]);

  return b.model({
    opset: USE_LITE_OPSET,
    irVersion: IR_VERSION,
    producerName: "edgefleet model-import",
    producerVersion: "use-lite/1",
    docString: options.docString,
    metadata: options.metadata,
  });
}
