/**
 * @module
 * Symmetric int8 quantization of float32 weights: q = round(w / scale), scale = max|w| / 127,
 * zero point 0. One scale per tensor or one per slice along an axis (per channel).
 * Values stay in [-127, 127] so the grid is symmetric around zero.
 */

export interface QuantizedValues {
  readonly values: Int8Array;
  /** One scale per channel along `axis`, or a single scale when `axis` is undefined. */
  readonly scales: Float32Array;
  readonly axis: number | undefined;
}

const INT8_LIMIT = 127;

/** Round half to even, like numpy's rint that the usual ONNX quantizers use. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantizeInt8(data: Float32Array, dims: readonly number[], axis: number | undefined): QuantizedValues {
  const channels = axis === undefined ? 1 : (dims[axis] ?? 1);
  // Elements of one channel repeat every `stride` values, in blocks of `stride` (row-major layout).
  const stride = axis === undefined ? data.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => (axis === undefined ? 0 : Math.floor(i / stride) % channels);

  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < data.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c] ?? 0, Math.abs(data[i] ?? 0));
  }
  // An all-zero channel gets scale 1: any scale reproduces zeros, and 0 would divide by zero.
  const scales = maxAbs.map((m) => (m > 0 ? Math.fround(m / INT8_LIMIT) : 1));

  const values = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const q = roundHalfEven((data[i] ?? 0) / (scales[channelOf(i)] ?? 1));
    values[i] = Math.max(-INT8_LIMIT, Math.min(INT8_LIMIT, q));
  }
  return { values, scales, axis };
}
