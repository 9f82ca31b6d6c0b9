// The PoP's traffic counters as they travel with the sync report: what the recorder counts,
// what the schema refuses, the percentiles and rates the dashboard derives, and what the
// control plane's /metrics says for them.
import { describe, expect, it } from "vitest";
import { fleetView } from "../../../control/dashboard/fleet-view.ts";
import { RequestHistory } from "../../../control/dashboard/history.ts";
import { fleetMetrics } from "../../../control/fleet-metrics.ts";
import { histogramQuantile } from "../../../shared/sync/pop-metrics.ts";
import { PopMetricsRecorder } from "../../../shared/sync/pop-metrics-recorder.ts";
import { PopReportSchema, type Status } from "../../../shared/sync/protocol.ts";

function traffic(): PopMetricsRecorder {
  const r = new PopMetricsRecorder(1000);
  for (let i = 0; i < 90; i++) {
    r.record("/v1/predict", 200, 8, "miss");
  }
  for (let i = 0; i < 8; i++) {
    r.record("/v1/embeddings", 200, 40, i < 6 ? "hit" : "semantic");
  }
  r.record("/v1/predict", 503, 3000, null);
  r.record("/v1/predict", 200, 60_000, "bypass");
  r.record("/admin/sync", 200, 900, null);
  r.record("/some/../odd/path", 404, 1, null);
  return r;
}

describe("PoP metrics", () => {
  it("counts by route and status, with unknown paths folded so labels stay few", () => {
    const m = traffic().snapshot([]);
    expect(m.requests).toEqual(
      expect.arrayContaining([
        { route: "/v1/predict", status: 200, count: 91 },
        { route: "/v1/predict", status: 503, count: 1 },
        { route: "/v1/embeddings", status: 200, count: 8 },
        { route: "/admin", status: 200, count: 1 },
        { route: "other", status: 404, count: 1 },
      ]),
    );
    expect(m.cache).toEqual({ hit: 6, semantic: 2, miss: 90, bypass: 1 });
    // Only API answers in the histogram; the 60 s one lands above the last bound.
    expect(m.latency.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(m.latency.counts.at(-1)).toBe(1);
    expect(PopReportSchema.parse({ pop: "pop-a", seq: 3, models: [], metrics: m }).metrics).toEqual(m);
  });

  it("refuses a report whose metrics are malformed", () => {
    const m = traffic().snapshot([]);
    const bad = [
      { ...m, requests: [{ route: "/v1/predict", status: 200, count: -1 }] },
      { ...m, cache: { hit: 1 } },
      { ...m, origins: [{ id: "x", region: "y", breaker: "melted", latency_ms: null }] },
      { ...m, requests: Array.from({ length: 300 }, () => ({ route: "r", status: 200, count: 1 })) },
    ];
    for (const metrics of bad) {
      expect(PopReportSchema.safeParse({ pop: "pop-a", seq: 0, models: [], metrics }).success).toBe(false);
    }
  });

  it("estimates percentiles from the histogram as bucket bounds", () => {
    const { buckets_ms, counts } = traffic().snapshot([]).latency;
    expect(histogramQuantile(buckets_ms, counts, 0.5)).toBe(10);
    expect(histogramQuantile(buckets_ms, counts, 0.95)).toBe(50);
    expect(histogramQuantile(buckets_ms, counts, 1)).toBe(10_000);
    expect(
      histogramQuantile(
        buckets_ms,
        counts.map(() => 0),
        0.5,
      ),
    ).toBeNull();
  });

  const status: Status = {
    seq: 4,
    gate: { max_error_rate: 0.05, min_requests: 20, max_p95_ms: 5000 },
    rollouts: [{ model: "silero-vad", generation: 2, seq: 4, stable: "4.0.0", reason: "rollout" }],
    pops: [
      {
        pop: "pop-a",
        seen_at: 10_000,
        seq: 4,
        canary: false,
        models: [
          { model: "silero-vad", generation: 2, served: "4.0.0", desired: "4.0.0", state: "serving", health: [] },
        ],
        metrics: traffic().snapshot([{ id: "us-east", region: "us-east", breaker: "open", latency_ms: 12 }]),
      },
    ],
  };

  it("gives the dashboard error and cache hit rates over API requests only", () => {
    const [pop] = fleetView(status, 12_400).pops;
    expect(pop).toMatchObject({ pop: "pop-a", ageS: 2, requests: 100, p50: 10, p95: 50 });
    expect(pop?.errorRate).toBeCloseTo(0.01);
    expect(pop?.cacheHitRate).toBeCloseTo(8 / 98);
    expect(fleetView(status, 12_400).rollouts[0]).toMatchObject({ model: "silero-vad", converged: 1, reporting: 1 });
  });

  it("exports the reported traffic on the control plane's /metrics", async () => {
    const text = await fleetMetrics(async () => status, { defaultMetrics: false }).metrics();
    expect(text).toContain('edgefleet_edge_requests_total{pop="pop-a",route="/v1/predict",status="503"} 1');
    expect(text).toContain('edgefleet_edge_cache_total{pop="pop-a",outcome="hit"} 6');
    expect(text).toContain('edgefleet_edge_request_duration_ms_bucket{pop="pop-a",le="+Inf"} 100');
    expect(text).toContain('edgefleet_edge_origin_breaker{pop="pop-a",origin="us-east",region="us-east"} 2');
    expect(text).toContain('edgefleet_control_pop_model_serving{pop="pop-a",model="silero-vad",version="4.0.0"} 1');
  });
});

describe("request history (the dashboard's rate chart)", () => {
  it("turns cumulative counts into rates, keeps one sample a second, and survives a counter reset", () => {
    const h = new RequestHistory(3, 1000);
    h.add(0, new Map([["pop-a", 10]]));
    h.add(500, new Map([["pop-a", 99]])); // too soon: dropped
    h.add(2000, new Map([["pop-a", 30]]));
    h.add(3000, new Map([["pop-a", 4]])); // the isolate restarted: 4 new requests
    expect(h.series()).toEqual([{ name: "pop-a", points: [10, 4] }]);
    h.add(
      4000,
      new Map([
        ["pop-a", 6],
        ["pop-b", 1],
      ]),
    );
    // Bounded: the oldest sample went.
    expect(h.series()).toEqual([
      { name: "pop-a", points: [4, 2] },
      { name: "pop-b", points: [0, 1] },
    ]);
  });
});
