/**
 * @module
 * The mergeable sketch behind drift monitoring: a histogram over fixed bin edges taken from the
 * reference profile (its quantiles), so every PoP counts live traffic into the same bins, sketches
 * from many PoPs and windows merge by adding counts, and a sketch never holds a raw input.
 *
 * Edges are the reference deciles (equal reference mass per bin), the binning population stability
 * index and Kolmogorov–Smirnov on bins are defined over; recording is one binary search (~10 compares).
 */
import { z } from "zod";

export const HistogramSchema = z
  .object({
    /** Ascending inner edges; bin i holds values in [edges[i-1], edges[i]), the ends are open. */
    edges: z.array(z.number()).max(64),
    /** edges.length + 1 counts. */
    counts: z.array(z.number().int().nonnegative()).max(65),
  })
  .refine((h) => h.counts.length === h.edges.length + 1, { message: "a histogram has one more count than edges" });
export type Histogram = z.infer<typeof HistogramSchema>;

/** The bin a value falls into: the number of edges at or below it. */
export function binOf(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value >= (edges[mid] ?? Infinity)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

export function emptyLike(edges: readonly number[]): Histogram {
  return { edges: [...edges], counts: Array.from({ length: edges.length + 1 }, () => 0) };
}

export function record(h: Histogram, value: number): void {
  if (Number.isFinite(value)) {
    const i = binOf(h.edges, value);
    h.counts[i] = (h.counts[i] ?? 0) + 1;
  }
}

export function total(h: Histogram): number {
  return h.counts.reduce((s, c) => s + c, 0);
}

/** Adds `from` into `into`; both must share the reference's edges (they come from one profile). */
export function mergeInto(into: Histogram, from: Histogram): void {
  if (into.edges.length !== from.edges.length || into.edges.some((e, i) => e !== from.edges[i])) {
    throw new Error("histograms with different edges do not merge");
  }
  from.counts.forEach((c, i) => {
    into.counts[i] = (into.counts[i] ?? 0) + c;
  });
}

/**
 * Edges at the reference's quantiles (deduplicated, so a statistic with few distinct values, such as
 * a token count, gets fewer bins rather than empty ones).
 */
export function quantileEdges(values: readonly number[], bins = 10): number[] {
  const sorted = values.filter(Number.isFinite).toSorted((a, b) => a - b);
  if (sorted.length === 0) {
    return [];
  }
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins))] ?? 0;
    const rounded = Math.round(v * 1e6) / 1e6;
    if (edges.length === 0 || rounded > (edges[edges.length - 1] ?? -Infinity)) {
      edges.push(rounded);
    }
  }
  return edges;
}

export function histogramOf(values: readonly number[], edges: readonly number[]): Histogram {
  const h = emptyLike(edges);
  for (const v of values) {
    record(h, v);
  }
  return h;
}
