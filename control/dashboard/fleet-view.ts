/**
 * @module
 * The operator dashboard's view of the fleet, computed from the coordinator's status: per
 * PoP the versions it serves and their readiness, requests, error rate, cache hit rate,
 * latency percentiles (from the histogram the PoP reported) and its origins' breakers.
 */
import { histogramQuantile } from "../../shared/sync/pop-metrics.ts";
import type { Status } from "../../shared/sync/protocol.ts";

export interface PopView {
  pop: string;
  ageS: number;
  canary: boolean;
  models: { model: string; served: string; desired: string; state: string }[];
  requests: number;
  errorRate: number | null;
  cacheHitRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  origins: { id: string; region: string; breaker: string; latencyMs: number | null }[];
}

export interface FleetView {
  rollouts: {
    model: string;
    stable: string;
    canary: string;
    percent: number;
    generation: number;
    reason: string;
    /** PoPs serving the version this rollout wants for them, of the PoPs that reported the model. */
    converged: number;
    reporting: number;
  }[];
  pops: PopView[];
  totalRequests: number;
}

export function fleetView(status: Status, now: number): FleetView {
  const pops = status.pops.map((p): PopView => {
    const m = p.metrics;
    const api = (m?.requests ?? []).filter((r) => r.route.startsWith("/v1/"));
    const requests = api.reduce((a, r) => a + r.count, 0);
    const errors = api.filter((r) => r.status >= 500).reduce((a, r) => a + r.count, 0);
    const c = m?.cache;
    const looked = c ? c.hit + c.semantic + c.miss : 0;
    const q = (x: number) => (m ? histogramQuantile(m.latency.buckets_ms, m.latency.counts, x) : null);
    return {
      pop: p.pop,
      ageS: Math.max(0, Math.round((now - p.seen_at) / 1000)),
      canary: p.canary,
      models: p.models.map((x) => ({
        model: x.model,
        served: x.served ?? "—",
        desired: x.desired ?? "—",
        state: x.state,
      })),
      requests,
      errorRate: requests > 0 ? errors / requests : null,
      cacheHitRate: c && looked > 0 ? (c.hit + c.semantic) / looked : null,
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      origins: (m?.origins ?? []).map((o) => ({
        id: o.id,
        region: o.region,
        breaker: o.breaker,
        latencyMs: o.latency_ms,
      })),
    };
  });
  return {
    rollouts: status.rollouts.map((r) => {
      const reports = status.pops.flatMap((p) => p.models.filter((m) => m.model === r.model));
      return {
        model: r.model,
        stable: r.stable ?? "—",
        canary: r.canary?.version ?? "—",
        percent: r.canary?.percent ?? 0,
        generation: r.generation,
        reason: r.reason,
        converged: reports.filter((m) => m.state === "serving" && m.served !== undefined && m.served === m.desired)
          .length,
        reporting: reports.length,
      };
    }),
    pops,
    totalRequests: pops.reduce((a, p) => a + p.requests, 0),
  };
}
