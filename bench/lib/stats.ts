/** Order statistics for benchmark samples: the project's one quantile (shared/stats/quantile.ts). */
export { median, quantile } from "../../shared/stats/quantile.ts";

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
