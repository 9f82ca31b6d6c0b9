/**
 * @module
 * The control plane's `GET /metrics` (Prometheus text, prom-client): its own state (rollouts,
 * PoPs, how long since each reported) and the fleet's traffic as the PoPs reported it —
 * Workers isolates are short-lived, so the edge pushes its counters with each sync report and
 * they are scraped here, labelled by PoP. Values are read from the coordinator at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Status } from "../shared/sync/protocol.ts";

const BREAKER = { closed: 0, "half-open": 1, open: 2 } as const;

export function fleetMetrics(status: () => Promise<Status>, options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  const read = oneReadPerScrape(status);
  controlStateCollectors([registry], read);
  fleetTrafficCollectors([registry], read);
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: "edgefleet_control_" });
  }
  return registry;
}

/** One status read per scrape, shared by every collector: the first collector's read is reused until it settles. */
function oneReadPerScrape(status: () => Promise<Status>): () => Promise<Status> {
  let pending: Promise<Status> | undefined;
  return () => {
    pending ??= status().finally(() => setTimeout(() => (pending = undefined), 0));
    return pending;
  };
}

/** The control plane's own state: rollouts and PoPs. Collectors register on creation; returned so they do not read as side effects. */
function controlStateCollectors(registers: Registry[], read: () => Promise<Status>): (Gauge | Counter)[] {
  const collectors: (Gauge | Counter)[] = [];
  collectors.push(
    new Gauge({
      name: "edgefleet_control_rollout_generation",
      help: "Generation of each model's rollout.",
      labelNames: ["model"],
      registers,
      async collect() {
        this.reset();
        for (const r of (await read()).rollouts) {
          this.set({ model: r.model }, r.generation);
        }
      },
    }),
  );
  collectors.push(
    new Gauge({
      name: "edgefleet_control_canary_percent",
      help: "Share of PoPs on each model's canary (0 when none).",
      labelNames: ["model"],
      registers,
      async collect() {
        this.reset();
        for (const r of (await read()).rollouts) {
          this.set({ model: r.model }, r.canary?.percent ?? 0);
        }
      },
    }),
  );
  collectors.push(
    new Gauge({
      name: "edgefleet_control_pop_report_age_seconds",
      help: "Seconds since each PoP last reported.",
      labelNames: ["pop"],
      registers,
      async collect() {
        this.reset();
        for (const p of (await read()).pops) {
          this.set({ pop: p.pop }, (Date.now() - p.seen_at) / 1000);
        }
      },
    }),
  );
  collectors.push(
    new Gauge({
      name: "edgefleet_control_pop_model_serving",
      help: "1 when the PoP serves the model (label: the version it serves), 0 while warming or failed.",
      labelNames: ["pop", "model", "version"],
      registers,
      async collect() {
        this.reset();
        for (const p of (await read()).pops) {
          for (const m of p.models) {
            this.set({ pop: p.pop, model: m.model, version: m.served ?? "" }, m.state === "serving" ? 1 : 0);
          }
        }
      },
    }),
  );
  return collectors;
}

/** The fleet's traffic as each PoP reported it: requests, cache outcomes, latency, origin breakers. */
function fleetTrafficCollectors(registers: Registry[], read: () => Promise<Status>): (Gauge | Counter)[] {
  const collectors: (Gauge | Counter)[] = [];
  collectors.push(
    new Counter({
      name: "edgefleet_edge_requests_total",
      help: "Requests answered by each PoP, by route and status (as reported by the PoP).",
      labelNames: ["pop", "route", "status"],
      registers,
      async collect() {
        this.reset();
        for (const p of (await read()).pops) {
          for (const r of p.metrics?.requests ?? []) {
            this.inc({ pop: p.pop, route: r.route, status: String(r.status) }, r.count);
          }
        }
      },
    }),
  );
  collectors.push(
    new Counter({
      name: "edgefleet_edge_cache_total",
      help: "Cache outcomes at each PoP (hit, semantic, miss, bypass).",
      labelNames: ["pop", "outcome"],
      registers,
      async collect() {
        this.reset();
        for (const p of (await read()).pops) {
          for (const [outcome, n] of Object.entries(p.metrics?.cache ?? {})) {
            this.inc({ pop: p.pop, outcome }, n);
          }
        }
      },
    }),
  );
  collectors.push(
    new Counter({
      name: "edgefleet_edge_request_duration_ms_bucket",
      help: "Cumulative latency histogram of each PoP's API answers (ms; le is the bucket's upper bound).",
      labelNames: ["pop", "le"],
      registers,
      async collect() {
        this.reset();
        for (const p of (await read()).pops) {
          const h = p.metrics?.latency;
          if (!h) {
            continue;
          }
          let running = 0;
          h.counts.forEach((n, i) => {
            running += n;
            this.inc({ pop: p.pop, le: String(h.buckets_ms[i] ?? "+Inf") }, running);
          });
        }
      },
    }),
  );
  collectors.push(
    new Gauge({
      name: "edgefleet_edge_origin_breaker",
      help: "Each PoP's breaker for each origin: 0 closed, 1 half-open, 2 open.",
      labelNames: ["pop", "origin", "region"],
      registers,
      async collect() {
        this.reset();
        for (const p of (await read()).pops) {
          for (const o of p.metrics?.origins ?? []) {
            this.set({ pop: p.pop, origin: o.id, region: o.region }, BREAKER[o.breaker]);
          }
        }
      },
    }),
  );
  return collectors;
}
