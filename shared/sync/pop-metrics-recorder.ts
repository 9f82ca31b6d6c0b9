/**
 * @module
 * Counts a PoP's traffic in memory for its sync report (see `pop-metrics.ts`): a few maps
 * and one fixed histogram, so memory stays flat however long the isolate lives.
 */
import { CACHE_OUTCOMES, type CacheOutcome, LATENCY_BUCKETS_MS, type PopMetrics } from "./pop-metrics.ts";

/** Known routes only as labels, so unknown paths cannot blow up the metric's cardinality. */
const ROUTES = new Set([
  "/v1/predict",
  "/v1/embeddings",
  "/v1/chat/completions",
  "/v1/models",
  "/v1/feedback",
  "/healthz",
  "/readyz",
]);

export class PopMetricsRecorder {
  private readonly since: number;
  private readonly requests = new Map<string, number>();
  private readonly cache: Record<CacheOutcome, number> = { hit: 0, semantic: 0, miss: 0, bypass: 0 };
  private readonly counts: number[] = Array.from({ length: LATENCY_BUCKETS_MS.length + 1 }, () => 0);
  private sumMs = 0;

  constructor(now: number = Date.now()) {
    this.since = now;
  }

  record(path: string, status: number, ms: number, cache: string | null): void {
    const route = ROUTES.has(path) ? path : path.startsWith("/admin/") ? "/admin" : "other";
    const key = `${route} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (cache !== null && (CACHE_OUTCOMES as readonly string[]).includes(cache)) {
      this.cache[cache as CacheOutcome]++;
    }
    // Admin and health calls are the operator's, not the users': their latency would blur the picture.
    if (route.startsWith("/v1/") && route !== "/v1/models") {
      const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
      const slot = i === -1 ? LATENCY_BUCKETS_MS.length : i;
      this.counts[slot] = (this.counts[slot] ?? 0) + 1;
      this.sumMs += ms;
    }
  }

  snapshot(origins: PopMetrics["origins"]): PopMetrics {
    return {
      since: this.since,
      requests: [...this.requests].map(([key, count]) => {
        const [route = "other", status = "0"] = key.split(" ");
        return { route, status: Number(status), count };
      }),
      cache: { ...this.cache },
      latency: { buckets_ms: [...LATENCY_BUCKETS_MS], counts: [...this.counts], sum_ms: this.sumMs },
      origins,
    };
  }
}
