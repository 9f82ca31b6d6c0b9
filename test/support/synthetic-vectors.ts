/** Deterministic random unit vectors for benchmarks (xorshift32). */

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32 - 0.5;
  };
}

export function unitVector(random: () => number, dimensions: number): Float32Array {
  const v = Float32Array.from({ length: dimensions }, random);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** A unit vector at roughly the given noise from `base` (0.01 → cosine ≈ 0.97 at 512-d). */
export function nearVector(base: Float32Array, random: () => number, noise: number): Float32Array {
  const v = base.map((x) => x + noise * random());
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
