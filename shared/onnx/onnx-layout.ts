/**
 * @module
 * Facts about an ONNX model read straight from its protobuf bytes: the operator sets it
 * imports (the manifest's `opset`) and where each initializer's weights lie in the file.
 * Field numbers are those of onnx.proto (ModelProto, GraphProto, TensorProto).
 */
import { wireFields } from "./protobuf-wire.ts";

const MODEL_OPSET_IMPORT = 8;
const MODEL_GRAPH = 7;
const OPSET_DOMAIN = 1;
const OPSET_VERSION = 2;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_OUTPUT = 2;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_TENSOR = 5;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;

const decoder = new TextDecoder();

/** Opset version by domain; the default ONNX domain is `""`. */
export function onnxOpsets(bytes: Uint8Array): Map<string, number> {
  const opsets = new Map<string, number>();
  for (const f of wireFields(bytes)) {
    if (f.field !== MODEL_OPSET_IMPORT || f.wireType !== 2) {
      continue;
    }
    let domain = "";
    let version = 0;
    for (const g of wireFields(bytes, f.start, f.end)) {
      if (g.field === OPSET_DOMAIN && g.wireType === 2) {
        domain = decoder.decode(bytes.subarray(g.start, g.end));
      } else if (g.field === OPSET_VERSION && g.wireType === 0) {
        version = g.value;
      }
    }
    opsets.set(domain, version);
  }
  return opsets;
}

export interface WeightLayout {
  /** The initializer's name, or the output name of the Constant node that holds the tensor. */
  name: string;
  /** onnx TensorProto.DataType (1 = float32). */
  dataType: number;
  dims: number[];
  /** Byte range of the weights (raw_data, or packed float_data) in the file. */
  dataStart: number;
  dataEnd: number;
}

function readTensor(bytes: Uint8Array, start: number, end: number, fallbackName: string): WeightLayout | null {
  const tensor: WeightLayout = { name: fallbackName, dataType: 0, dims: [], dataStart: 0, dataEnd: 0 };
  for (const t of wireFields(bytes, start, end)) {
    if (t.field === TENSOR_NAME && t.wireType === 2 && t.end > t.start) {
      tensor.name = decoder.decode(bytes.subarray(t.start, t.end));
    } else if (t.field === TENSOR_DATA_TYPE && t.wireType === 0) {
      tensor.dataType = t.value;
    } else if (t.field === TENSOR_DIMS && t.wireType === 0) {
      tensor.dims.push(t.value);
    } else if ((t.field === TENSOR_RAW_DATA || t.field === TENSOR_FLOAT_DATA) && t.wireType === 2) {
      tensor.dataStart = t.start;
      tensor.dataEnd = t.end;
    }
  }
  return tensor.dataEnd > tensor.dataStart ? tensor : null;
}

/**
 * Every weight tensor stored inside the file with where its bytes lie: graph initializers,
 * and the tensors of Constant nodes (exporters such as paddle2onnx keep weights there).
 */
export function onnxWeights(bytes: Uint8Array): WeightLayout[] {
  const out: WeightLayout[] = [];
  for (const m of wireFields(bytes)) {
    if (m.field !== MODEL_GRAPH || m.wireType !== 2) {
      continue;
    }
    for (const g of wireFields(bytes, m.start, m.end)) {
      if (g.field === GRAPH_INITIALIZER && g.wireType === 2) {
        const tensor = readTensor(bytes, g.start, g.end, "");
        if (tensor) {
          out.push(tensor);
        }
      } else if (g.field === GRAPH_NODE && g.wireType === 2) {
        let output = "";
        for (const n of wireFields(bytes, g.start, g.end)) {
          if (n.field === NODE_OUTPUT && n.wireType === 2 && output === "") {
            output = decoder.decode(bytes.subarray(n.start, n.end));
          } else if (n.field === NODE_ATTRIBUTE && n.wireType === 2) {
            for (const a of wireFields(bytes, n.start, n.end)) {
              if (a.field === ATTRIBUTE_TENSOR && a.wireType === 2) {
                const tensor = readTensor(bytes, a.start, a.end, output);
                if (tensor) {
                  out.push(tensor);
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}
