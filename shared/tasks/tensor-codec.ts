/**
 * @module
 * Tensors over JSON: `{dtype, dims, data}` where data is a flat array of numbers or a base64
 * string of little-endian bytes. Decoding checks dtype, rank, fixed dimensions, element count
 * and data length against the manifest before a tensor is built. Float data must be finite:
 * NaN and ±Infinity (a NaN bit pattern in base64, or a JSON number such as 1e999 that overflows)
 * are refused like any other bad value, as audio samples are, rather than run through the model.
 */
import { z } from "zod";
import { base64ToBytes, bytesToBase64 } from "../base64.ts";
import type { Tensor } from "../engine/ort-runtime.ts";
import { ApiError } from "../errors.ts";
import { type TensorSpec, TensorDTypeSchema, type TensorDType } from "../manifest/tensor-spec.ts";

export const JsonTensorSchema = z.object({
  dtype: TensorDTypeSchema,
  dims: z
    .array(
      z
        .number()
        .int()
        .nonnegative()
        .max(2 ** 31),
    )
    .max(8),
  data: z.union([z.array(z.union([z.number(), z.boolean()])), z.string()]),
});
export type JsonTensor = z.infer<typeof JsonTensorSchema>;

type TensorData = Float32Array | Int32Array | BigInt64Array | Int8Array | Uint8Array | Uint16Array;

const BYTES_PER_ELEMENT: Record<TensorDType, number> = {
  float32: 4,
  float16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** A request tensor, checked against the model's input spec, ready to become an ort Tensor. */
export interface CheckedTensor {
  dtype: TensorDType;
  data: TensorData;
  dims: number[];
}

/** Checks a request tensor against the model's input spec (pure: runs before any session work). */
export function checkTensor(json: JsonTensor, spec: TensorSpec, maxElements: number): CheckedTensor {
  const where = `input.tensors.${spec.name}`;
  if (json.dtype !== spec.dtype) {
    throw invalid(`${where}: dtype ${json.dtype} does not match the model's ${spec.dtype}`, where);
  }
  if (json.dims.length !== spec.shape.length) {
    throw invalid(`${where}: rank ${json.dims.length} does not match the model's rank ${spec.shape.length}`, where);
  }
  spec.shape.forEach((dim, i) => {
    if (typeof dim === "number" && json.dims[i] !== dim) {
      throw invalid(`${where}: dimension ${i} must be ${dim}, got ${json.dims[i]}`, where);
    }
  });
  const count = json.dims.reduce((a, b) => a * b, 1);
  if (count > maxElements) {
    throw invalid(`${where}: ${count} elements is more than this model accepts (${maxElements})`, where);
  }
  const data = decodeData(json, count, where);
  checkFinite(data, json.dtype, where);
  return { dtype: spec.dtype, data, dims: json.dims };
}

/** float16 stores NaN and ±Infinity with all five exponent bits set. */
const FLOAT16_EXPONENT_MASK = 0x7c00;

/**
 * 400 `invalid_tensor` at the first NaN or ±Infinity in float data: one pass over the built
 * array, stopping early, so it costs one comparison per element and nothing for integer dtypes.
 */
function checkFinite(data: TensorData, dtype: TensorDType, where: string): void {
  if (dtype === "float32") {
    const floats = data as Float32Array;
    for (let i = 0; i < floats.length; i++) {
      // NaN fails both comparisons, so this one test refuses NaN and ±Infinity.
      if (!(Math.abs(floats[i] as number) <= 3.4028234663852886e38)) {
        throw invalid(`${where}: value ${i} is ${floats[i]}; float data must be finite`, where);
      }
    }
  } else if (dtype === "float16") {
    const halves = data as Uint16Array;
    for (let i = 0; i < halves.length; i++) {
      if (((halves[i] as number) & FLOAT16_EXPONENT_MASK) === FLOAT16_EXPONENT_MASK) {
        throw invalid(`${where}: value ${i} is NaN or infinite; float data must be finite`, where);
      }
    }
  }
}

/** Builds the runtime's tensor from a checked one. */
export function toOrtTensor(checked: CheckedTensor, TensorCtor: typeof Tensor): Tensor {
  return new TensorCtor(checked.dtype, checked.data, checked.dims);
}

function decodeData(json: JsonTensor, count: number, where: string): TensorData {
  if (typeof json.data === "string") {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(json.data);
    } catch {
      throw invalid(`${where}: data is not valid base64`, where);
    }
    if (bytes.byteLength !== count * BYTES_PER_ELEMENT[json.dtype]) {
      throw invalid(`${where}: ${bytes.byteLength} bytes of data for ${count} ${json.dtype} elements`, where);
    }
    return viewAs(json.dtype, bytes);
  }
  if (json.data.length !== count) {
    throw invalid(`${where}: ${json.data.length} values for dims [${json.dims.join(", ")}] (${count} elements)`, where);
  }
  return fromNumbers(json.dtype, json.data, where);
}

/** Reinterprets little-endian bytes (copied to an aligned buffer) as the dtype's array. */
function viewAs(dtype: TensorDType, bytes: Uint8Array): TensorData {
  const buffer = bytes.slice().buffer;
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer);
    case "float16":
      return new Uint16Array(buffer);
    case "int64":
      return new BigInt64Array(buffer);
    case "int32":
      return new Int32Array(buffer);
    case "int8":
      return new Int8Array(buffer);
    case "uint8":
    case "bool":
      return new Uint8Array(buffer);
  }
}

function fromNumbers(dtype: TensorDType, values: readonly (number | boolean)[], where: string): TensorData {
  const nums = values.map((v) => (typeof v === "boolean" ? Number(v) : v));
  const integral = dtype !== "float32";
  if (integral && nums.some((v) => !Number.isInteger(v))) {
    throw invalid(`${where}: ${dtype} data must be integers`, where);
  }
  switch (dtype) {
    case "float32":
      return Float32Array.from(nums);
    case "float16":
      throw invalid(`${where}: send float16 data as base64 bytes`, where);
    case "int64":
      return BigInt64Array.from(nums, (v) => BigInt(v));
    case "int32":
      return checkedRange(Int32Array, nums, -(2 ** 31), 2 ** 31 - 1, where);
    case "int8":
      return checkedRange(Int8Array, nums, -128, 127, where);
    case "uint8":
      return checkedRange(Uint8Array, nums, 0, 255, where);
    case "bool":
      return checkedRange(Uint8Array, nums, 0, 1, where);
  }
}

function checkedRange<T extends Int32Array | Int8Array | Uint8Array>(
  ctor: { from(values: readonly number[]): T },
  nums: readonly number[],
  min: number,
  max: number,
  where: string,
): T {
  if (nums.some((v) => v < min || v > max)) {
    throw invalid(`${where}: values must lie in [${min}, ${max}]`, where);
  }
  return ctor.from(nums);
}

/** A model output as JSON: numbers by default, base64 bytes when asked (large outputs). */
export function encodeTensor(tensor: Tensor, encoding: "json" | "base64"): JsonTensor {
  const dims = [...tensor.dims];
  const dtype = TensorDTypeSchema.catch("float32").parse(tensor.type);
  const data = tensor.data;
  if (typeof data === "object" && data !== null && "buffer" in data && ArrayBuffer.isView(data)) {
    if (encoding === "base64") {
      return { dtype, dims, data: bytesToBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) };
    }
    const values =
      data instanceof BigInt64Array ? Array.from(data, (v) => Number(v)) : Array.from(data as ArrayLike<number>);
    return { dtype, dims, data: values };
  }
  throw new ApiError(500, "unsupported_output", `output of type ${tensor.type} cannot be encoded`);
}

function invalid(message: string, param: string): ApiError {
  return new ApiError(400, "invalid_tensor", message, { param });
}
