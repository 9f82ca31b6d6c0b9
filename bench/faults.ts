/**
 * `npm run bench -- faults`: how long a caller waits when origins misbehave, against the goals
 * the router's policy sets. The fault tests (test/e2e/router-faults, lambda-origin,
 * total-outage, test/unit/router/hedging) check only *what* happens — the failover, the hedge,
 * the error event, the 503 — so they cannot flake on a busy machine; the *how fast* is here.
 *
 * An edge in workerd (the real Worker bundle) routes to fault-injecting origins on loopback
 * (test/support/fake-origin.ts) and a stand-in for the Lambda Invoke API:
 * - blackhole: the first origin accepts and never answers; the caller waits one TTFB timeout,
 *   then the next origin answers (breaker held closed, so every request pays it).
 * - deadline: the only origin is blackholed; the caller's own short deadline ends the wait.
 * - stream stall: a stream goes silent mid-way; the edge ends it with an error event.
 * - Lambda throttle: TooManyRequestsException fails over to an HTTP origin at once (one fresh
 *   origin per sample, since a throttled one is then left alone for its retry-after).
 * - total outage: every origin answers 503; each caller gets its 503 well within its deadline.
 * - recovery (a second edge, breaker on): once a failing primary is healthy again, how long
 *   until a half-open probe brings traffic back to it, requests every 50 ms.
 * - hedge (the router in this process, in-memory transport): the first origin turns slow after
 *   its p95 was learnt; the hedged copy on the second origin answers.
 * Sequential requests, loopback, one machine: the figures include this machine's scheduling.
 */
import type { RunningEdge } from "../cli/local/edge-miniflare.ts";
import { type FakeOrigin, startFakeOrigin } from "../test/support/fake-origin.ts";
import { type FakeLambda, startFakeLambda } from "../test/support/fake-lambda.ts";
import { hedgeRouter } from "../test/support/hedge-router.ts";
import { postJson, startRoutingEdge } from "../test/support/origin-fixtures.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { quantile, round } from "./lib/stats.ts";

const TTFB_MS = 400;
const STALL_MS = 500;
const DEADLINE_MS = 250;
const OUTAGE_DEADLINE_MS = 2000;
const MAX_OPEN_MS = 1000;
const HEDGE_SLOW_MS = 1000;
const THROTTLED = 10;

interface Measure {
  name: string;
  samples: number[];
  /** The most a caller should wait (ms), from the policy. */
  goalMs: number;
  goal: string;
}

async function timed(send: () => Promise<Response>, check: (res: Response, text: string) => void): Promise<number> {
  const started = performance.now();
  const res = await send();
  const text = await res.text();
  const ms = performance.now() - started;
  check(res, text);
  return ms;
}

/** `n` sequential timings of the same call. */
async function sampled(
  n: number,
  send: () => Promise<Response>,
  check: (res: Response, text: string) => void,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await timed(send, check));
  }
  return out;
}

function expectStatus(allowed: number[]) {
  return (res: Response) => {
    if (!allowed.includes(res.status)) {
      throw new Error(`expected ${allowed.join(" or ")}, got ${res.status}`);
    }
  };
}

function expectServedBy(want: string) {
  return (res: Response) => {
    if (res.status !== 200 || res.headers.get("x-edgefleet-served-by") !== want) {
      throw new Error(
        `expected a 200 from ${want}, got ${res.status} from ${res.headers.get("x-edgefleet-served-by")}`,
      );
    }
  };
}

const ORIGIN_NAMES = ["bh", "ok", "only", "stall", "backup", "x", "y", "z"] as const;
type OriginName = (typeof ORIGIN_NAMES)[number];

/** The throttled Lambda never runs its function: handlers that would say so if it did. */
const neverRun = {
  handle: () => Promise.reject(new Error("a throttled function ran")),
  handleStream: () => Promise.reject(new Error("a throttled function ran")),
};

/** The origin table of the held-closed cases: one origin (or Lambda function) per fault, breakers and retry budget out of the way. */
function heldClosedTable(at: (n: OriginName) => string, lambdaUrl: string, throttled: string[]) {
  return {
    origins: [
      { id: "bh", region: "eu-west", endpoint: at("bh"), models: ["m-bh", "m-only"] },
      { id: "ok", region: "us-east", endpoint: at("ok"), priority: 1, models: ["m-bh", "llm-stall"] },
      { id: "stall", region: "eu-west", endpoint: at("stall"), models: ["llm-stall"] },
      ...throttled.map((model, i) => ({
        id: `fn-${i}`,
        region: "us-east-1",
        kind: "lambda",
        endpoint: lambdaUrl,
        function_name: "edgefleet-origin",
        aws_region: "us-east-1",
        models: [model],
      })),
      { id: "backup", region: "eu-central", endpoint: at("backup"), priority: 1, models: throttled },
      ...(["x", "y", "z"] as const).map((n, i) => ({
        id: n,
        region: `r${i}`,
        endpoint: at(n),
        priority: 2 + i,
        models: ["m-out"],
      })),
    ],
    policy: {
      ttfb_timeout_ms: TTFB_MS,
      stall_ms: STALL_MS,
      breaker: { consecutive_failures: 1_000_000, error_rate: 1, min_requests: 1_000_000 },
      retry_budget: { ratio: 1, min_per_window: 1_000_000 },
    },
  };
}

async function heldClosed(json: boolean): Promise<Measure[]> {
  progress(json, "starting an edge (breakers held closed) and fault-injecting origins…");
  const o = Object.fromEntries(
    await Promise.all(ORIGIN_NAMES.map(async (n) => [n, await startFakeOrigin(n)] as const)),
  );
  const at = (n: OriginName) => (o[n] as FakeOrigin).url;
  const lambda: FakeLambda = await startFakeLambda(neverRun);
  lambda.throttle.on = true;
  const throttled = Array.from({ length: THROTTLED }, (_, i) => `chat-t${i}`);
  const edge: RunningEdge = await startRoutingEdge("bench-faults", heldClosedTable(at, lambda.url, throttled));
  const predict = (model: string, headers: Record<string, string> = {}) =>
    postJson(edge.url, "/v1/predict", { model, input: {} }, headers);
  try {
    (o.bh as FakeOrigin).setFault({ kind: "blackhole" });
    (o.stall as FakeOrigin).setFault({ kind: "stream-stall", after: 2 });
    for (const n of ["x", "y", "z"] as const) {
      (o[n] as FakeOrigin).setFault({ kind: "status", status: 503 });
    }
    progress(json, "  blackholed first origin…");
    const blackhole = await sampled(20, () => predict("m-bh"), expectServedBy("origin/us-east"));
    progress(json, "  caller's deadline with only a blackholed origin…");
    const deadline = await sampled(
      10,
      () => predict("m-only", { "x-edgefleet-deadline": String(Date.now() + DEADLINE_MS) }),
      expectStatus([503, 504]),
    );
    progress(json, "  stream stalled mid-way…");
    const stallChat = { model: "llm-stall", stream: true, messages: [{ role: "user", content: "hi" }] };
    const stall = await sampled(
      5,
      () => postJson(edge.url, "/v1/chat/completions", stallChat),
      (_res, text) => {
        if (!text.includes("stream_interrupted")) {
          throw new Error("a stalled stream did not end with an error event");
        }
      },
    );
    progress(json, "  throttled Lambda origin…");
    // One fresh origin per sample: a throttled one is left alone for its retry-after.
    const models = [...throttled];
    const throttle = await sampled(
      models.length,
      () =>
        postJson(edge.url, "/v1/chat/completions", {
          model: models.shift(),
          messages: [{ role: "user", content: "hi" }],
        }),
      expectServedBy("origin/eu-central"),
    );
    progress(json, "  every origin down…");
    const outage = await sampled(
      30,
      () => predict("m-out", { "x-edgefleet-deadline": String(Date.now() + OUTAGE_DEADLINE_MS) }),
      (res) => {
        expectStatus([503])(res);
        if (res.headers.get("retry-after") === null) {
          throw new Error("a 503 without retry-after");
        }
      },
    );
    return [
      { name: "blackhole_failover", samples: blackhole, goalMs: TTFB_MS + 400, goal: "TTFB timeout + 400" },
      { name: "deadline_answer", samples: deadline, goalMs: DEADLINE_MS + 300, goal: "deadline + 300" },
      { name: "stream_stall_end", samples: stall, goalMs: STALL_MS + 1500, goal: "stall_ms + 1500" },
      { name: "lambda_throttle_failover", samples: throttle, goalMs: 1000, goal: "at once" },
      { name: "outage_answer", samples: outage, goalMs: OUTAGE_DEADLINE_MS, goal: "deadline" },
    ];
  } finally {
    await edge.close();
    await lambda.stop();
    await Promise.all(Object.values(o).map((f) => f.stop()));
  }
}

async function recovery(json: boolean): Promise<Measure> {
  progress(json, "starting an edge with breakers on: time back on a recovered primary…");
  const rounds = 3;
  const pairs = await Promise.all(
    Array.from({ length: rounds }, async (_, i) => ({
      primary: await startFakeOrigin(`p${i}`),
      fallback: await startFakeOrigin(`f${i}`),
    })),
  );
  const edge = await startRoutingEdge("bench-recovery", {
    origins: pairs.flatMap(({ primary, fallback }, i) => [
      { id: `p${i}`, region: "eu-west", endpoint: primary.url, models: [`m-r${i}`] },
      { id: `f${i}`, region: "us-east", endpoint: fallback.url, priority: 1, models: [`m-r${i}`] },
    ]),
    policy: {
      ttfb_timeout_ms: TTFB_MS,
      breaker: { consecutive_failures: 3, open_ms: 300, max_open_ms: MAX_OPEN_MS, window_ms: 2000 },
      retry_budget: { ratio: 0.2, min_per_window: 20, window_ms: 1000 },
    },
  });
  const samples: number[] = [];
  try {
    for (const [i, { primary }] of pairs.entries()) {
      const predict = () => postJson(edge.url, "/v1/predict", { model: `m-r${i}`, input: {} });
      primary.setFault({ kind: "status", status: 503 });
      for (let k = 0; k < 6; k++) {
        await (await predict()).text();
      }
      primary.setFault({ kind: "ok" });
      const recovered = performance.now();
      for (;;) {
        const res = await predict();
        await res.text();
        if (res.headers.get("x-edgefleet-served-by") === "origin/eu-west") {
          samples.push(performance.now() - recovered);
          break;
        }
        if (performance.now() - recovered > 30_000) {
          throw new Error("traffic never returned to the recovered primary");
        }
        // Steady light traffic, as a caller would send it: the half-open probe rides on it.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    await edge.close();
    await Promise.all(pairs.flatMap((p) => [p.primary.stop(), p.fallback.stop()]));
  }
  return { name: "recovery_back_on_primary", samples, goalMs: 2 * MAX_OPEN_MS, goal: "2 × max_open_ms" };
}

/** The hedge's answer time: the first origin slowed down after its p95 was learnt. */
async function hedgeOnce(): Promise<number> {
  const { delays, send } = hedgeRouter();
  for (let i = 0; i < 6; i++) {
    await send();
  }
  delays.a = HEDGE_SLOW_MS;
  const started = performance.now();
  const routed = await send();
  const ms = performance.now() - started;
  if (routed.origin !== "b") {
    throw new Error(`the hedge did not answer: ${routed.origin} did`);
  }
  return ms;
}

export async function run(json: boolean): Promise<BenchResult> {
  const measures = await heldClosed(json);
  measures.push(await recovery(json));
  progress(json, "hedging in the router (in-memory transport)…");
  const hedge: number[] = [];
  for (let i = 0; i < 10; i++) {
    hedge.push(await hedgeOnce());
  }
  measures.push({ name: "hedge_answer", samples: hedge, goalMs: HEDGE_SLOW_MS / 2, goal: "half the slow origin's" });
  const metrics: Record<string, number> = {};
  const table = [["caller waits (ms)", "n", "p50", "p99", "max", "goal ≤", "met"]];
  for (const m of measures) {
    const max = Math.max(...m.samples);
    metrics[`faults.${m.name}_p50_ms`] = round(quantile(m.samples, 0.5));
    metrics[`faults.${m.name}_p99_ms`] = round(quantile(m.samples, 0.99));
    metrics[`faults.${m.name}_max_ms`] = round(max);
    metrics[`faults.${m.name}_goal_ms`] = m.goalMs;
    table.push([
      m.name,
      String(m.samples.length),
      quantile(m.samples, 0.5).toFixed(1),
      quantile(m.samples, 0.99).toFixed(1),
      max.toFixed(1),
      `${m.goalMs} (${m.goal})`,
      max <= m.goalMs ? "yes" : "NO",
    ]);
  }
  return {
    bench: "faults",
    metrics,
    notes:
      `Edge in workerd, fault-injecting origins on loopback; TTFB timeout ${TTFB_MS} ms, stall ${STALL_MS} ms, ` +
      `caller deadline ${DEADLINE_MS} ms (outage: ${OUTAGE_DEADLINE_MS} ms), breaker max open ${MAX_OPEN_MS} ms, ` +
      `hedge after the first origin's p95 with that origin slowed to ${HEDGE_SLOW_MS} ms. Sequential requests; the goal ` +
      "is met when the slowest sample is within it.",
    table,
  };
}
