import { describe, expect, it } from "vitest";
import { bytesToBase64 } from "../../../shared/base64.ts";
import type { TensorSpec } from "../../../shared/manifest/tensor-spec.ts";
import { checkTensor } from "../../../shared/tasks/tensor-codec.ts";

const spec: TensorSpec = { name: "x", dtype: "float32", shape: ["batch", 3] };
const nanBytes = (values: number[]) => bytesToBase64(new Uint8Array(new Float32Array(values).buffer));
const halves = (bits: number[]) => bytesToBase64(new Uint8Array(new Uint16Array(bits).buffer));

describe("checkTensor", () => {
  it("accepts numbers and base64 little-endian bytes alike", () => {
    const fromNumbers = checkTensor({ dtype: "float32", dims: [2, 3], data: [1, 2, 3, 4, 5, 6] }, spec, 100);
    const bytes = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const fromBase64 = checkTensor({ dtype: "float32", dims: [2, 3], data: bytesToBase64(bytes) }, spec, 100);
    expect(Array.from(fromBase64.data as Float32Array)).toEqual(Array.from(fromNumbers.data as Float32Array));
  });

  it("builds int64 tensors from integers and refuses fractions", () => {
    const ids: TensorSpec = { name: "ids", dtype: "int64", shape: [1, "seq"] };
    expect(checkTensor({ dtype: "int64", dims: [1, 2], data: [7, 9] }, ids, 10).data).toEqual(
      BigInt64Array.from([7n, 9n]),
    );
    expect(() => checkTensor({ dtype: "int64", dims: [1, 2], data: [7, 9.5] }, ids, 10)).toThrow(/integers/);
  });

  it("names what is wrong: dtype, rank, fixed dimension, element cap, length", () => {
    expect(() => checkTensor({ dtype: "int32", dims: [1, 3], data: [1, 2, 3] }, spec, 100)).toThrow(/dtype int32/);
    expect(() => checkTensor({ dtype: "float32", dims: [3], data: [1, 2, 3] }, spec, 100)).toThrow(/rank 1/);
    expect(() => checkTensor({ dtype: "float32", dims: [1, 4], data: [1, 2, 3, 4] }, spec, 100)).toThrow(
      /dimension 1 must be 3/,
    );
    expect(() => checkTensor({ dtype: "float32", dims: [50, 3], data: [] }, spec, 100)).toThrow(/150 elements/);
    expect(() => checkTensor({ dtype: "float32", dims: [1, 3], data: [1] }, spec, 100)).toThrow(/1 values/);
    expect(() => checkTensor({ dtype: "float32", dims: [1, 3], data: "AAAA" }, spec, 100)).toThrow(
      /3 bytes|bytes of data/,
    );
  });

  it("refuses NaN and ±Infinity in float data, whether sent as bytes or as overflowing numbers", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => checkTensor({ dtype: "float32", dims: [1, 3], data: nanBytes([1, bad, 3]) }, spec, 100)).toThrow(
        expect.objectContaining({ status: 400, code: "invalid_tensor", message: expect.stringMatching(/finite/) }),
      );
    }
    // JSON.parse turns 1e999 into Infinity; 1e39 only overflows once stored as float32.
    for (const bad of [JSON.parse("1e999") as number, 1e39]) {
      expect(() => checkTensor({ dtype: "float32", dims: [1, 3], data: [1, bad, 3] }, spec, 100)).toThrow(/finite/);
    }
    const half: TensorSpec = { name: "h", dtype: "float16", shape: [2] };
    expect(() => checkTensor({ dtype: "float16", dims: [2], data: halves([0x3c00, 0x7e00]) }, half, 10)).toThrow(
      /finite/,
    );
    expect(() => checkTensor({ dtype: "float16", dims: [2], data: halves([0xfc00, 0]) }, half, 10)).toThrow(/finite/);
    expect(checkTensor({ dtype: "float16", dims: [2], data: halves([0x3c00, 0x7bff]) }, half, 10).dims).toEqual([2]);
    expect(
      checkTensor({ dtype: "float32", dims: [1, 3], data: [-3.4e38, 0, 3.4028234663852886e38] }, spec, 100).dims,
    ).toEqual([1, 3]);
  });

  it("range-checks small integer types", () => {
    const u8: TensorSpec = { name: "b", dtype: "uint8", shape: [2] };
    expect(() => checkTensor({ dtype: "uint8", dims: [2], data: [0, 256] }, u8, 10)).toThrow(/\[0, 255\]/);
  });
});
