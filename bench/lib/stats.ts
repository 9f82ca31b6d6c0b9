/** Order statistics for benchmark samples. */

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) {
    return NaN;
  }
  const sorted = samples.toSorted((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] ?? NaN) + ((sorted[hi] ?? NaN) - (sorted[lo] ?? NaN)) * (pos - lo);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
