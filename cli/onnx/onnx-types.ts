/**
 * @module
 * TypeScript shapes of the ONNX messages this project reads and writes. They cover the fields we
 * touch; messages decoded from a file carry every other field of the schema too, and keep them
 * when encoded again.
 */
import type Long from "long";

/**
 * protobufjs gives int64 fields as `Long` when decoding; we write plain numbers.
 * An absent message-typed field decodes as `null`, hence the `| null` below.
 */
export type Int64 = number | Long;

/** `TensorProto.DataType` values used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/** `AttributeProto.AttributeType` values used here. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  GRAPHS: 10,
} as const;

/** `TensorProto.DataLocation.EXTERNAL`: the bytes live in another file. */
export const DATA_LOCATION_EXTERNAL = 1;

export interface StringStringEntry {
  key: string;
  value: string;
}

export interface OnnxTensor {
  name?: string;
  dims?: Int64[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: Int64[];
  doubleData?: number[];
  dataLocation?: number;
  externalData?: StringStringEntry[];
  docString?: string;
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: OnnxTensor | null;
  g?: OnnxGraph | null;
  floats?: number[];
  ints?: Int64[];
  graphs?: OnnxGraph[];
}

export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: OnnxAttribute[];
  docString?: string;
}

export interface OnnxDimension {
  dimValue?: Int64;
  dimParam?: string;
}

export interface OnnxTypeProto {
  tensorType?: {
    elemType: number;
    shape?: { dim: OnnxDimension[] } | null;
  } | null;
}

export interface OnnxValueInfo {
  name: string;
  type?: OnnxTypeProto | null;
  docString?: string;
}

export interface OnnxGraph {
  name?: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxOpsetId {
  domain?: string;
  version: Int64;
}

export interface OnnxModel {
  irVersion: Int64;
  opsetImport: OnnxOpsetId[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph: OnnxGraph;
  metadataProps?: StringStringEntry[];
}
