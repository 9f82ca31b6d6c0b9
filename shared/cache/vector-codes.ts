/**
 * @module
 * Compact forms of a unit embedding for the cache index:
 * - int8 with a per-vector scale (max |x| → 127): 4x smaller than float32, and cosine from
 *   two int8 vectors is within about ±0.001 of the float cosine for 512-d sentence vectors;
 * - a 64-bit SimHash (signs of 64 fixed random projections): the Hamming distance between
 *   two codes estimates the angle between the vectors, cheap enough to scan 100k per lookup.
 */

export interface Int8Vector {
  q: Int8Array;
  scale: number;
}

export function toInt8(v: Float32Array): Int8Vector {
  let max = 0;
  for (const x of v) {
    max = Math.max(max, Math.abs(x));
  }
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    q[i] = Math.round((v[i] ?? 0) / scale);
  }
  return { q, scale };
}

/** Cosine of two int8 vectors of unit-norm originals. */
export function int8Cosine(a: Int8Array, aScale: number, b: Int8Array, bScale: number, bOffset = 0): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[bOffset + i];
  }
  return dot * aScale * bScale;
}

/**
 * 64 random hyperplanes from a fixed seed (xorshift32): every node of the fleet derives the
 * same planes, so codes never need to travel or be rebuilt.
 */
export function simhashPlanes(dimensions: number, bits = 64, seed = 0x9e3779b9): Float32Array {
  const planes = new Float32Array(bits * dimensions);
  let s = seed >>> 0;
  for (let i = 0; i < planes.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    planes[i] = s / 2 ** 32 - 0.5;
  }
  return planes;
}

/** The two 32-bit words of a vector's 64-bit SimHash. */
export function simhash64(v: Float32Array, planes: Float32Array): [number, number] {
  const d = v.length;
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 64; b++) {
    let dot = 0;
    const o = b * d;
    for (let i = 0; i < d; i++) {
      dot += planes[o + i] * v[i];
    }
    if (dot >= 0) {
      if (b < 32) {
        lo |= 1 << b;
      } else {
        hi |= 1 << (b - 32);
      }
    }
  }
  return [lo >>> 0, hi >>> 0];
}

export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
