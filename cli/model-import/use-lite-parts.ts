/**
 * @module
 * Building blocks shared by the USE-lite graph readers: node-name prefixes, and dense layers
 * read out of TF.js constants.
 */
import type { TfGraph } from "./tfjs-graph.ts";

/** A row-major `[rows, cols]` matrix, laid out as `x · M` expects (`rows` = input width). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export interface Dense {
  readonly kernel: Matrix;
  readonly bias: Float32Array;
}

export interface LayerNormSpec {
  readonly scale: Float32Array;
  readonly bias: Float32Array;
  readonly epsilon: number;
}

export const ROOT = "module_apply_default/Encoder_en";
export const KONA = `${ROOT}/KonaTransformer`;
export const STACK = `${KONA}/Encode/TransformerStack`;

export function matrix(graph: TfGraph, name: string, rows = -1, cols = -1): Matrix {
  const { data, shape } = graph.floats(name, [rows, cols]);
  return { rows: shape[0] ?? 0, cols: shape[1] ?? 0, data };
}

export function vector(graph: TfGraph, name: string, length: number): Float32Array {
  return graph.floats(name, [length]).data;
}

export function expectPlainMatMul(graph: TfGraph, name: string): void {
  if (graph.attrBool(name, "transpose_a") || graph.attrBool(name, "transpose_b")) {
    throw new Error(`USE-lite import: ${name} transposes an operand`);
  }
}
