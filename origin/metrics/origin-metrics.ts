/**
 * @module
 * The origin's Prometheus metrics (`GET /metrics`, text format via prom-client): load
 * signals read live at scrape time, request counts and latencies, batch sizes, and how
 * streams ended. One registry per origin app, so two origins in one process (tests) never
 * share counters.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { LoadTracker } from "../load/load-tracker.ts";

export class OriginMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<"route" | "status">;
  readonly latency: Histogram<"route">;
  readonly batchSize: Histogram<"model">;
  readonly streams: Counter<"outcome">;
  /** Load gauges, read live at scrape time (kept so they are not mistaken for side effects). */
  private readonly gauges: Gauge[] = [];

  constructor(load: LoadTracker, ready: () => boolean, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.gauges.push(
      new Gauge({
        name: "edgefleet_origin_queue_depth",
        help: "Requests waiting for a model session.",
        registers,
        collect() {
          this.set(load.queueDepth);
        },
      }),
    );
    this.gauges.push(
      new Gauge({
        name: "edgefleet_origin_in_flight",
        help: "Requests being handled (streams until their last byte).",
        registers,
        collect() {
          this.set(load.inFlight);
        },
      }),
    );
    this.gauges.push(
      new Gauge({
        name: "edgefleet_origin_ready",
        help: "1 when every model is loaded and warmed and the origin is not draining.",
        registers,
        collect() {
          this.set(ready() ? 1 : 0);
        },
      }),
    );
    this.requests = new Counter({
      name: "edgefleet_origin_requests_total",
      help: "Answered requests by route and status.",
      labelNames: ["route", "status"],
      registers,
    });
    this.latency = new Histogram({
      name: "edgefleet_origin_request_seconds",
      help: "Time to the response headers, by route.",
      labelNames: ["route"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchSize = new Histogram({
      name: "edgefleet_origin_batch_size",
      help: "Requests per session run, by model.",
      labelNames: ["model"],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    this.streams = new Counter({
      name: "edgefleet_origin_stream_outcomes_total",
      help: "How proxied streams ended: done, cut, stall, malformed, upstream_error, cancelled.",
      labelNames: ["outcome"],
      registers,
    });
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: "edgefleet_origin_" });
    }
  }
}
