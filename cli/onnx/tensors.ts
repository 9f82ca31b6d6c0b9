/**
 * @module
 * Building and reading ONNX TensorProtos. Data goes in `raw_data`, which ONNX defines as
 * little-endian; the typed-array views below are only correct on a little-endian host.
 */
import { int64ToNumber } from "./onnx-codec.ts";
import { DATA_LOCATION_EXTERNAL, DataType, type OnnxTensor } from "./onnx-types.ts";

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  if (!HOST_IS_LITTLE_ENDIAN) {
    throw new Error("ONNX raw_data is little-endian; this host is big-endian and is not supported");
  }
}

type RawView = Float32Array | Int32Array | Int8Array | Uint8Array | BigInt64Array;

/** A copy of the view's bytes, so the tensor never aliases a larger buffer. */
function rawBytes(view: RawView): Uint8Array {
  assertLittleEndian();
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function checkSize(name: string, dims: readonly number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new Error(`tensor ${name}: dims [${dims.join(", ")}] hold ${expected} values, got ${length}`);
  }
}

export function floatTensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  checkSize(name, dims, data.length);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: rawBytes(data) };
}

export function int8Tensor(name: string, dims: readonly number[], data: Int8Array): OnnxTensor {
  checkSize(name, dims, data.length);
  return { name, dims: [...dims], dataType: DataType.INT8, rawData: rawBytes(data) };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTensor {
  checkSize(name, dims, values.length);
  return {
    name,
    dims: [...dims],
    dataType: DataType.INT64,
    rawData: rawBytes(BigInt64Array.from(values, (v) => BigInt(v))),
  };
}

export function tensorDims(tensor: OnnxTensor): number[] {
  return (tensor.dims ?? []).map(int64ToNumber);
}

export function elementCount(tensor: OnnxTensor): number {
  return tensorDims(tensor).reduce((a, b) => a * b, 1);
}

export function isExternal(tensor: OnnxTensor): boolean {
  return tensor.dataLocation === DATA_LOCATION_EXTERNAL || (tensor.externalData?.length ?? 0) > 0;
}

/** The values of a float32 tensor, from `raw_data` or `float_data`. */
export function readFloat32(tensor: OnnxTensor): Float32Array {
  const name = tensor.name ?? "(unnamed)";
  if (tensor.dataType !== DataType.FLOAT) {
    throw new Error(`tensor ${name} is not float32`);
  }
  if (isExternal(tensor)) {
    throw new Error(`tensor ${name} keeps its data in an external file; pass a model with embedded weights`);
  }
  const count = elementCount(tensor);
  const raw = tensor.rawData;
  if (raw !== undefined && raw.length > 0) {
    assertLittleEndian();
    if (raw.length !== count * 4) {
      throw new Error(`tensor ${name}: raw_data has ${raw.length} bytes, expected ${count * 4}`);
    }
    // Copy: a decoded raw_data may sit at an offset that is not 4-byte aligned.
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  const values = tensor.floatData ?? [];
  if (values.length !== count) {
    throw new Error(`tensor ${name}: float_data has ${values.length} values, expected ${count}`);
  }
  return Float32Array.from(values);
}
