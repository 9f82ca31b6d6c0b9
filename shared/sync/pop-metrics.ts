/**
 * @module
 * What a PoP tells the control plane about its traffic, with its periodic sync report:
 * requests by route and status, cache outcomes, a latency histogram and the state of each
 * origin's breaker. Workers isolates are short-lived and not scrapeable, so the edge pushes
 * these and the control plane exports them on its `/metrics`. Counters are cumulative since
 * the isolate started (a restart resets them, as a Prometheus counter reset does).
 */
import { z } from "zod";

/** Upper bounds (ms) of the latency buckets; the last bucket is everything above. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;

export const CACHE_OUTCOMES = ["hit", "semantic", "miss", "bypass"] as const;
export type CacheOutcome = (typeof CACHE_OUTCOMES)[number];

const count = z.number().int().nonnegative();

export const PopMetricsSchema = z.object({
  /** When the isolate that counted these started (ms since the epoch). */
  since: z.number().nonnegative(),
  requests: z
    .array(z.object({ route: z.string().min(1).max(64), status: z.number().int().min(100).max(599), count }))
    .max(256),
  cache: z.object({ hit: count, semantic: count, miss: count, bypass: count }),
  latency: z.object({
    buckets_ms: z.array(z.number().positive()).max(32),
    /** Per bucket (not cumulative), one more than `buckets_ms`: the last counts what is above them all. */
    counts: z.array(count).max(33),
    sum_ms: z.number().nonnegative(),
  }),
  origins: z
    .array(
      z.object({
        id: z.string().min(1).max(64),
        region: z.string().min(1).max(64),
        breaker: z.enum(["closed", "open", "half-open"]),
        latency_ms: z.number().nonnegative().nullable(),
      }),
    )
    .max(32),
});
export type PopMetrics = z.infer<typeof PopMetricsSchema>;

/** The latency at quantile `q` (0..1) estimated from a histogram: the upper bound of the bucket it falls in. */
export function histogramQuantile(buckets: readonly number[], counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) {
    return null;
  }
  const rank = Math.ceil(total * q);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) {
      // Above the last bound: say the last bound (a lower bound on the truth) rather than infinity.
      return buckets[Math.min(i, buckets.length - 1)] ?? null;
    }
  }
  return buckets.at(-1) ?? null;
}
