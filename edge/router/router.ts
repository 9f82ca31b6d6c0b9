/**
 * @module
 * The origin router: sends a request to the best origin that can answer it and fails over
 * to the next when that one cannot — only before the first byte reaches the client, only on
 * retryable failures, never twice to the same origin, within the request's deadline and the
 * retry budget. Optional hedging sends a second copy after the first origin's p95, when both
 * breakers are closed. Platform-neutral (fetch, AbortController, timers): it runs in workerd.
 */
import { ApiError } from "../../shared/errors.ts";
import { type Logger, silentLogger } from "../../shared/log.ts";
import {
  DEADLINE_HEADER,
  IDEMPOTENCY_HEADER,
  QUEUE_DEPTH_HEADER,
  REQUEST_ID_HEADER,
  TENANT_HEADER,
} from "../../shared/protocol/headers.ts";
import { guardSseStream, type StreamOutcome } from "../../shared/protocol/sse-guard.ts";
import { type BreakerState, REFUSED } from "./breaker.ts";
import { OriginState } from "./origin-state.ts";
import type { OriginTable, RoutingPolicy } from "./origin-table.ts";
import { type AttemptOutcome, classifyResponse } from "./outcome.ts";
import { RetryBudget } from "./retry-budget.ts";
import { orderCandidates } from "./select.ts";
import type { OriginCall, OriginTransport } from "./transport.ts";

export interface RouteRequest {
  path: "/v1/predict" | "/v1/chat/completions";
  model: string;
  body: string;
  stream: boolean;
  requestId: string;
  /**
   * The authenticated tenant, or `ALL_TENANTS` for a caller who sees every model; origins hide
   * private models from everyone else. Absent: no tenant, so origins show no private model.
   */
  tenant?: string;
  /** Absolute deadline, epoch ms. */
  deadline: number;
  /** Fires when the client has gone away. */
  signal?: AbortSignal;
}

export interface Routed {
  /** The origin's status and headers (its body is `body`). */
  response: Response;
  body: ArrayBuffer | ReadableStream<Uint8Array> | null;
  /** `origin/<region>` or `lambda/<region>`. */
  servedBy: string;
  origin: string;
  attempts: number;
}

export interface RouterOptions {
  table: OriginTable;
  transports: Partial<Record<"http" | "lambda", OriginTransport>>;
  now?: () => number;
  random?: () => number;
  log?: Logger;
}

/** 6 MB, less room for the envelope around the body. */
const LAMBDA_MAX_BODY = 6 * 2 ** 20 - 64 * 1024;

type Outcome = AttemptOutcome | { kind: "retryable"; failure: "cancelled"; countsAgainstOrigin: false };

export class OriginRouter {
  readonly policy: RoutingPolicy;
  private readonly origins: OriginState[];
  private readonly budget: RetryBudget;
  private readonly transports: RouterOptions["transports"];
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly originFirstModels: ReadonlySet<string>;
  private readonly modelVersions: Readonly<Record<string, string>>;
  private readonly privateModels: Readonly<Record<string, readonly string[]>>;
  readonly chatLimits: OriginTable["chat"];

  constructor(o: RouterOptions) {
    this.policy = o.table.policy;
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.log = o.log ?? silentLogger;
    this.transports = o.transports;
    this.origins = o.table.origins
      .filter((e) => this.transports[e.kind] !== undefined)
      .map((e) => new OriginState(e, this.policy, this.now));
    this.budget = new RetryBudget(this.policy.retry_budget, this.now);
    this.originFirstModels = new Set(o.table.origin_first);
    this.modelVersions = o.table.model_versions;
    this.privateModels = o.table.private_to;
    this.chatLimits = o.table.chat;
  }

  /** True when some origin is configured for the model (healthy or not). */
  serves(model: string): boolean {
    return this.origins.some((o) => o.serves(model));
  }

  /** The deployed version of an origin-served model, when the origin table declares it. */
  versionOf(model: string): string | undefined {
    return this.modelVersions[model];
  }

  /** The tenants an origin-served model is private to (the table's `private_to`); undefined: every tenant's. */
  privateTo(model: string): readonly string[] | undefined {
    return Object.hasOwn(this.privateModels, model) ? this.privateModels[model] : undefined;
  }

  /** True when the model goes to origins even though the edge serves it (the edge's copy is the fallback). */
  originFirst(model: string): boolean {
    return this.originFirstModels.has(model);
  }

  /** Each origin's breaker state and measured latency, for the PoP's metrics report. */
  originStates(): { id: string; region: string; breaker: BreakerState; latency_ms: number | null }[] {
    return this.origins.map((o) => ({
      id: o.entry.id,
      region: o.entry.region,
      breaker: o.breaker.state(),
      latency_ms: o.latency.count > 0 ? o.latency.ewma(0) : null,
    }));
  }

  async route(req: RouteRequest): Promise<Routed> {
    this.budget.recordRequest();
    const call: OriginCall = {
      path: req.path,
      body: req.body,
      stream: req.stream,
      headers: {
        "content-type": "application/json",
        [REQUEST_ID_HEADER]: req.requestId,
        [IDEMPOTENCY_HEADER]: req.requestId,
        [DEADLINE_HEADER]: String(req.deadline),
        ...(req.tenant === undefined ? {} : { [TENANT_HEADER]: req.tenant }),
      },
    };
    const tried = new Set<OriginState>();
    // Lambda's synchronous payload limit is 6 MB: a larger request would only fail there, so it never goes.
    // (One UTF-16 unit is at most 3 UTF-8 bytes: a short body needs no encoding to know it fits.)
    if (req.body.length * 3 > LAMBDA_MAX_BODY && new TextEncoder().encode(req.body).byteLength > LAMBDA_MAX_BODY) {
      for (const o of this.origins) {
        if (o.entry.kind === "lambda") {
          tried.add(o);
        }
      }
    }
    let attempts = 0;
    let last: Outcome | undefined;
    while (attempts < this.policy.max_attempts && this.now() < req.deadline && !req.signal?.aborted) {
      const candidates = orderCandidates(
        this.origins,
        req.model,
        this.now(),
        this.policy.initial_latency_ms,
        this.random,
      ).filter((o) => !tried.has(o));
      // The ticket ties the attempt's result to the breaker generation it started in (a number: no allocation).
      let primary: OriginState | undefined;
      let ticket = REFUSED;
      for (const candidate of candidates) {
        ticket = candidate.breaker.tryAcquire();
        if (ticket !== REFUSED) {
          primary = candidate;
          break;
        }
      }
      if (!primary) {
        break;
      }
      if (attempts > 0 && !this.budget.tryRetry()) {
        primary.breaker.release(ticket);
        this.log.log("info", "router.retry_budget_exhausted", { request_id: req.requestId, model: req.model });
        break;
      }
      tried.add(primary);
      attempts += 1;
      const hedgeTo = attempts === 1 ? this.hedgeCandidate(primary, candidates, req) : undefined;
      const { outcome, state } = hedgeTo
        ? await this.hedged(primary, ticket, hedgeTo, call, req, () => {
            tried.add(hedgeTo);
            attempts += 1;
          })
        : { outcome: await this.attempt(primary, ticket, call, req), state: primary };
      if (outcome.kind === "answer") {
        return {
          response: outcome.response,
          body: outcome.body,
          servedBy: state.servedBy,
          origin: state.entry.id,
          attempts,
        };
      }
      last = outcome;
      this.log.log("info", "router.attempt_failed", {
        request_id: req.requestId,
        origin: state.entry.id,
        failure: outcome.failure,
        ...("status" in outcome && outcome.status !== undefined ? { status: outcome.status } : {}),
      });
    }
    throw this.giveUp(req, last, attempts);
  }

  private giveUp(req: RouteRequest, last: Outcome | undefined, attempts: number): ApiError {
    if (
      this.now() >= req.deadline ||
      (last?.kind === "retryable" && last.failure === "timeout" && this.now() >= req.deadline - 5)
    ) {
      return new ApiError(504, "upstream_timeout", `No origin answered before the deadline (${attempts} attempts).`);
    }
    // Tell the client when an origin is expected back: the earliest end of a breaker or cool-down period.
    const waits = this.origins
      .filter((o) => o.serves(req.model))
      .map((o) => Math.max(o.coolingUntil - this.now(), o.breaker.state() === "open" ? 1000 : 0));
    const retryAfter = Math.max(1, Math.ceil(Math.min(...waits, 30_000) / 1000));
    return new ApiError(503, "upstream_unavailable", `No origin could answer (${attempts} attempts).`, { retryAfter });
  }

  private hedgeCandidate(
    primary: OriginState,
    candidates: readonly OriginState[],
    req: RouteRequest,
  ): OriginState | undefined {
    if (!this.policy.hedge.enabled || req.stream || primary.breaker.state() !== "closed") {
      return undefined;
    }
    if (primary.latency.count < this.policy.hedge.min_samples) {
      return undefined;
    }
    return candidates.find((o) => o !== primary && o.breaker.state() === "closed");
  }

  /** Starts on the primary; if it has not answered by its p95, sends a copy to the second origin. First answer wins. */
  private async hedged(
    primary: OriginState,
    primaryTicket: number,
    second: OriginState,
    call: OriginCall,
    req: RouteRequest,
    onHedge: () => void,
  ): Promise<{ outcome: Outcome; state: OriginState }> {
    const cancelFirst = new AbortController();
    const first = this.attempt(primary, primaryTicket, call, req, cancelFirst.signal).then((outcome) => ({
      outcome,
      state: primary,
    }));
    const p95 = primary.latency.p95() ?? this.policy.ttfb_timeout_ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = await Promise.race([
      first,
      new Promise<"hedge">((resolve) => (timer = setTimeout(() => resolve("hedge"), p95))),
    ]);
    if (timer !== undefined) {
      clearTimeout(timer);
    }
    // Only a closed breaker is asked for a ticket here: in half-open, tryAcquire would take the probe slot.
    if (waited !== "hedge" || second.breaker.state() !== "closed" || !this.budget.tryRetry()) {
      return first;
    }
    const secondTicket = second.breaker.tryAcquire();
    onHedge();
    const cancelSecond = new AbortController();
    const secondTry = this.attempt(second, secondTicket, call, req, cancelSecond.signal).then((outcome) => ({
      outcome,
      state: second,
    }));
    const winner = await firstAnswer([first, secondTry]);
    (winner.state === primary ? cancelSecond : cancelFirst).abort();
    return winner;
  }

  /** One attempt on one origin, with its own TTFB timeout, feeding the origin's breaker and latency. */
  private async attempt(
    state: OriginState,
    ticket: number,
    call: OriginCall,
    req: RouteRequest,
    cancel?: AbortSignal,
  ): Promise<Outcome> {
    const transport = this.transports[state.entry.kind];
    if (!transport) {
      throw new Error(`no transport for ${state.entry.kind}`);
    }
    const controller = new AbortController();
    let timedOut = false;
    // One timer per attempt: it fires at the TTFB limit; once the headers are in (a non-streaming
    // answer being read whole) it re-arms itself for the rest of the deadline instead, so the
    // usual fast answer costs one setTimeout and one clearTimeout.
    let readingBody = false;
    const onTimer = () => {
      const left = req.deadline - this.now();
      if (readingBody && left >= 1) {
        timer = setTimeout(onTimer, left);
        return;
      }
      timedOut = true;
      controller.abort();
    };
    const ttfb = Math.max(1, Math.min(this.policy.ttfb_timeout_ms, req.deadline - this.now()));
    let timer = setTimeout(onTimer, ttfb);
    const stop = () => controller.abort();
    req.signal?.addEventListener("abort", stop, { once: true });
    cancel?.addEventListener("abort", stop, { once: true });
    const started = this.now();
    state.inFlight += 1;
    try {
      const response = await transport.send(state.entry, call, controller.signal);
      recordQueueDepth(state, response);
      const outcome = classifyResponse(response, this.now() - started);
      if (outcome.kind === "retryable") {
        await response.body?.cancel().catch(() => undefined);
        return this.settle(state, ticket, outcome);
      }
      if (!call.stream || response.status !== 200 || !response.body) {
        // Non-streaming answers are read whole before anything reaches the client, so a
        // connection cut mid-body is still a clean failover, not a truncated answer.
        readingBody = true;
        const bytes = await response.arrayBuffer();
        // No second Response around the bytes: the edge builds the client's answer once (`originResponse`).
        return this.settle(state, ticket, { kind: "answer", response, body: bytes, ms: outcome.ms });
      }
      // Streams: the first chunk must arrive within the TTFB timeout too; until it has, failing over is still safe.
      const reader = response.body.getReader();
      const first = await reader.read();
      if (first.done) {
        return this.settle(state, ticket, {
          kind: "retryable",
          failure: "stream_before_first_byte",
          countsAgainstOrigin: true,
        });
      }
      clearTimeout(timer);
      const guarded = this.guardedStream(state, ticket, first.value, reader, controller);
      return this.settle(state, ticket, {
        kind: "answer",
        response,
        body: guarded,
        ms: outcome.ms,
      });
    } catch {
      return this.failed(state, ticket, timedOut, req.signal, cancel);
    } finally {
      clearTimeout(timer);
      state.inFlight -= 1;
      req.signal?.removeEventListener("abort", stop);
      cancel?.removeEventListener("abort", stop);
    }
  }

  /**
   * The rest of a stream whose first chunk is in, guarded (SSE events whole, a cut or a stall
   * ends it with an error event): a broken stream counts against the origin, and its end
   * releases the attempt's connection.
   */
  private guardedStream(
    state: OriginState,
    ticket: number,
    first: Uint8Array,
    reader: ReadableStreamDefaultReader<Uint8Array>,
    controller: AbortController,
  ): ReadableStream<Uint8Array> {
    const rest = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(first);
      },
      async pull(c) {
        const next = await reader.read();
        if (next.done) {
          c.close();
        } else {
          c.enqueue(next.value);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return guardSseStream(rest, {
      stallMs: this.policy.stall_ms,
      onEnd: (end: StreamOutcome) => {
        if (end === "cut" || end === "stall" || end === "malformed") {
          state.breaker.onFailure(ticket);
        }
        controller.abort();
      },
    });
  }

  /** An attempt that threw: cancelled by the client or by a hedge (not the origin's fault), timed out, or cut. */
  private failed(
    state: OriginState,
    ticket: number,
    timedOut: boolean,
    client?: AbortSignal,
    cancel?: AbortSignal,
  ): Outcome {
    if (cancel?.aborted || (client?.aborted && !timedOut)) {
      state.breaker.release(ticket);
      return { kind: "retryable", failure: "cancelled", countsAgainstOrigin: false };
    }
    return this.settle(state, ticket, {
      kind: "retryable",
      failure: timedOut ? "timeout" : "connect",
      countsAgainstOrigin: true,
    });
  }

  /** Feeds one attempt's result to its origin's breaker (under the attempt's ticket) and latency. */
  private settle(state: OriginState, ticket: number, outcome: AttemptOutcome): AttemptOutcome {
    if (outcome.kind === "answer") {
      state.breaker.onSuccess(ticket);
      state.latency.record(outcome.ms, this.now());
      return outcome;
    }
    if (outcome.retryAfterMs !== undefined) {
      state.coolingUntil = Math.max(state.coolingUntil, this.now() + outcome.retryAfterMs);
    }
    if (outcome.countsAgainstOrigin) {
      state.breaker.onFailure(ticket);
    } else {
      state.breaker.release(ticket);
    }
    return outcome;
  }
}

/** The origin's own queue depth, when it reports one (`x-edgefleet-queue-depth`): it weighs the next choice. */
function recordQueueDepth(state: OriginState, response: Response): void {
  const reported = Number(response.headers.get(QUEUE_DEPTH_HEADER));
  if (response.headers.has(QUEUE_DEPTH_HEADER) && Number.isFinite(reported)) {
    state.queueDepth = reported;
  }
}

/** The first attempt that produced an answer; if none did, the last to fail. */
function firstAnswer<T extends { outcome: Outcome }>(attempts: ReadonlyArray<Promise<T>>): Promise<T> {
  return new Promise((resolve) => {
    let pending = attempts.length;
    for (const a of attempts) {
      void a.then((r) => {
        pending -= 1;
        if (r.outcome.kind === "answer" || pending === 0) {
          resolve(r);
        }
      });
    }
  });
}
