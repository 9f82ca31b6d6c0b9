/**
 * @module
 * ONNX model bytes <-> objects, through protobufjs and the schema in onnx-schema.ts.
 */
import { modelProtoType } from "./onnx-schema.ts";
import type { Int64, OnnxModel } from "./onnx-types.ts";

export function decodeModel(bytes: Uint8Array): OnnxModel {
  const message: object = modelProtoType().decode(bytes);
  if (!isModel(message)) {
    throw new Error("not an ONNX model: the protobuf has no graph");
  }
  return message;
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem !== null) {
    throw new Error(`invalid ONNX model: ${problem}`);
  }
  return type.encode(model).finish();
}

/** An int64 field as a JS number; refuses values a double cannot hold exactly. */
export function int64ToNumber(value: Int64): number {
  const n = typeof value === "number" ? value : value.toNumber();
  if (!Number.isSafeInteger(n)) {
    throw new Error(`int64 value ${String(value)} does not fit a JavaScript number`);
  }
  return n;
}

/** The opset version the model imports for a domain ("" is the default ONNX domain). */
export function opsetVersion(model: OnnxModel, domain = ""): number | undefined {
  const entry = model.opsetImport.find((o) => (o.domain ?? "") === domain || (domain === "" && o.domain === "ai.onnx"));
  return entry === undefined ? undefined : int64ToNumber(entry.version);
}

// protobufjs builds the message from the schema, so a decoded ModelProto has these fields by construction;
// this guard is the one place where the reflected message becomes our typed shape.
function isModel(message: object): message is OnnxModel {
  const graph: unknown = Reflect.get(message, "graph");
  return typeof graph === "object" && graph !== null && Array.isArray(Reflect.get(graph, "node"));
}
