/**
 * @module
 * The project's one percentile definition: linear interpolation between the two nearest order
 * statistics (Hyndman–Fan type 7, numpy's and R's default). The router's hedging p95, the health
 * gate's p95 and every benchmark figure use it, so a p95 means the same number everywhere.
 */

/** The q-quantile (0 ≤ q ≤ 1) of `samples`; NaN when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) {
    return Number.NaN;
  }
  return quantileOfSorted(
    samples.toSorted((a, b) => a - b),
    q,
  );
}

/** The same, for samples already sorted ascending (several quantiles of one sort). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const low = sorted[lo] ?? Number.NaN;
  const high = sorted[Math.ceil(pos)] ?? low;
  return low + (high - low) * (pos - lo);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);
