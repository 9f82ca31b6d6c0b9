/**
 * @module
 * The cache around one inference call. Lookup: the exact layer first (no embedding needed),
 * then — for requests that may be matched by meaning — the semantic layer with the query's
 * embedding. On a miss the call runs; its answer goes to the client as it arrives and, if it
 * is admissible, is stored in the background. Headers say what happened:
 * `x-edgefleet-cache: hit | semantic | miss | bypass`, `x-edgefleet-similarity`,
 * `x-edgefleet-cache-rejected: <reason>` when the verifier refused the nearest entry.
 */
import type { Context } from "hono";
import type { CachedAnswer } from "../../shared/cache/cache-entry.ts";
import { hashKeyText, keyTexts, type PartitionParts } from "../../shared/cache/cache-keys.ts";
import type { LookupResult } from "../../shared/cache/partition-cache.ts";
import type { VerifierChoice } from "../../shared/cache/cache-store.ts";
import type { ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";
import { ApiError } from "../../shared/errors.ts";
import type { EdgeEnv } from "../env.ts";
import { replayAnswer } from "./answer-replay.ts";
import { type CacheEmbedder, cacheEmbedder } from "./cache-embedder.ts";
import { cachePolicy } from "./cache-policy.ts";
import type { EdgeCache } from "./cache-settings.ts";
import { toCachedAnswer } from "./capture-answer.ts";
import { HotAnswers } from "./hot-answers.ts";
import { PhaseTimer } from "./phase-timer.ts";
import { lookupScorer, recordSemanticHit, searchThreshold, tenantScorer } from "./semantic-scoring.ts";
import { tenantOf } from "./tenant.ts";

export interface CacheableCall {
  route: string;
  model: string;
  /** Digest of the exact version that would answer. */
  modelVersion: string;
  /** Every request field except the question: its hash is part of the partition key. */
  fields: unknown;
  /** The whole request: its canonical hash is the exact key. */
  request: unknown;
  /** The question in plain text, when the request may be answered by a similar earlier one. */
  semanticQuery?: string;
}

export async function withCache(
  c: Context<EdgeEnv>,
  call: CacheableCall,
  produce: () => Promise<Response>,
): Promise<Response> {
  const { cache, pop } = c.get("deps");
  if (!cache) {
    return mark(await produce(), "bypass");
  }
  const policy = cachePolicy(c.req.raw.headers, cache.settings.thresholdFloor);
  if (!policy.read && !policy.write) {
    return mark(await produce(), "bypass");
  }
  const embedder = call.semanticQuery === undefined ? undefined : await cacheEmbedder(c, cache.settings.embedderId);
  const scorer = embedder ? await tenantScorer(c) : undefined;
  // The isolate's own copy first: a repeated request costs neither a hash nor a round trip.
  const texts = keyTexts(partitionParts(c, call, embedder, scorer), call.request);
  const hotKey = cache.hot ? HotAnswers.keyOf(texts) : undefined;
  const hot = policy.read ? hotAnswer(cache, hotKey, pop) : undefined;
  if (hot) {
    return hot;
  }
  const [partition, exact] = await Promise.all([hashKeyText(texts.partition), hashKeyText(texts.exact)]);
  let vector: Float32Array | undefined;
  let result: LookupResult = { kind: "miss" };
  // Server-Timing phases, so an operator can see what a slow cache answer spent its time on.
  const timing = new PhaseTimer();
  if (policy.read) {
    const query = embedder ? call.semanticQuery : undefined;
    // Embed first (one call with both keys) or look up the exact key first: lookup-order.ts.
    const embedFirst = query !== undefined && cache.order?.embedFirst() === true;
    if (!embedFirst) {
      result = await timing.time("cache-exact", () => cache.store.lookup(partition, { exactKey: exact }));
    }
    if (result.kind === "miss" && embedder && query !== undefined) {
      vector = await timing.time("embed", () => embedder.embed(query));
      // The tenant may have chosen similarity alone; the node's setting applies otherwise.
      const chosen = (await c.get("deps").tenants?.get(c.get("principal").tenant))?.cache_verifier;
      const semantic = semanticSearch(c, query, vector, policy.threshold, scorer, chosen ?? cache.settings.verifier);
      result = await timing.time("cache-semantic", () => cache.store.lookup(partition, { exactKey: exact, semantic }));
      await recordSemanticHit(c, result, query, scorer);
    }
    if (query !== undefined) {
      cache.order?.record(result.kind === "hit");
    }
  }
  if (result.kind === "hit" || result.kind === "semantic") {
    return servedFromStore(result, cache, hotKey, pop, timing);
  }
  const rejected = result.kind === "miss" ? result.rejected : undefined;
  if (rejected) {
    logRejected(c, call, rejected);
  }
  let fresh: Response;
  try {
    fresh = await produce();
  } catch (error) {
    return staleFallback(error, cache, policy.read, partition, exact);
  }
  const produced = mark(fresh, "miss");
  timing.write(produced.headers);
  if (rejected) {
    produced.headers.set("x-edgefleet-cache-rejected", rejected.reason);
  }
  const body = policy.write ? storableBody(produced) : null;
  if (!body) {
    return produced;
  }
  const [toClient, toCache] = body.tee();
  const fill: CacheFill = { c, cache, partition, exact, hotKey, call, embedder, vector, produced, body: toCache };
  background(c, storeInBackground(fill));
  return new Response(toClient, produced);
}

/** What the cache keys of a request are made of: everything that changes the answer, except the question. */
function partitionParts(
  c: Context<EdgeEnv>,
  call: CacheableCall,
  embedder: CacheEmbedder | undefined,
  scorer: ScorerModel | undefined,
): PartitionParts {
  return {
    tenant: tenantOf(c),
    route: call.route,
    model: call.model,
    modelVersion: call.modelVersion,
    ...(embedder ? { embedder: embedder.digest } : {}),
    ...(scorer ? { scorer: scorer.version } : {}),
    fields: call.fields,
  };
}

/** The semantic layer's question: the query, its vector, the threshold and who judges a candidate. */
function semanticSearch(
  c: Context<EdgeEnv>,
  query: string,
  vector: Float32Array,
  policyThreshold: number,
  scorer: ScorerModel | undefined,
  verifier: VerifierChoice,
) {
  const judge = lookupScorer(c, scorer, policyThreshold, verifier);
  const threshold = searchThreshold(c, policyThreshold, scorer);
  return { query, vector, threshold, verifier, ...(judge ? { scorer: judge } : {}) };
}

/** The isolate's own copy of an exact answer, when it holds one. */
function hotAnswer(cache: EdgeCache, hotKey: string | undefined, pop: string): Response | undefined {
  const answer = hotKey === undefined ? undefined : cache.hot?.get(hotKey, Date.now());
  if (!answer) {
    return undefined;
  }
  const res = served(answer, "hit", pop);
  res.headers.set("server-timing", "cache-l1");
  return res;
}

/** An answer the cache store held (exact or by meaning); an exact one is kept in the isolate too. */
function servedFromStore(
  result: Extract<LookupResult, { kind: "hit" | "semantic" }>,
  cache: EdgeCache,
  hotKey: string | undefined,
  pop: string,
  timing: PhaseTimer,
): Response {
  if (result.kind === "hit" && hotKey !== undefined) {
    cache.hot?.set(hotKey, result.answer, result.expiresAt, Date.now());
  }
  const res = served(result.answer, result.kind, pop);
  if (result.kind === "semantic") {
    res.headers.set("x-edgefleet-similarity", result.similarity.toFixed(4));
  }
  timing.write(res.headers);
  return res;
}

function logRejected(c: Context<EdgeEnv>, call: CacheableCall, rejected: { reason: string; similarity: number }): void {
  c.get("deps").log.log("info", "cache.rejected", {
    request_id: c.get("requestId"),
    route: call.route,
    model: call.model,
    reason: rejected.reason,
    similarity: Math.round(rejected.similarity * 1e4) / 1e4,
  });
}

/**
 * Every origin failed (and the edge has no model of its own): what the cache last knew is
 * better than an error, so an expired entry is served, marked as a fallback with its age.
 * Without one the error stands.
 */
async function staleFallback(
  error: unknown,
  cache: EdgeCache,
  read: boolean,
  partition: string,
  exact: string,
): Promise<Response> {
  const stale =
    read && ApiError.is(error) && (error.status === 503 || error.status === 504)
      ? await cache.store.lookup(partition, { exactKey: exact, allowStale: true })
      : undefined;
  if (stale?.kind !== "stale") {
    throw error;
  }
  const res = replayAnswer(stale.answer);
  res.headers.set("x-edgefleet-cache", "hit");
  res.headers.set("x-edgefleet-served-by", "edge-fallback");
  res.headers.set("x-edgefleet-model-version", stale.answer.modelVersion);
  res.headers.set("age", String(Math.round((stale.ageMs + cache.settings.ttlMs) / 1000)));
  return res;
}

/** The body of an answer the cache may keep: a 200 with a body, and not a degraded one. */
function storableBody(produced: Response): ReadableStream<Uint8Array> | null {
  // A degraded answer (the edge's own model standing in for an origin) is served, never stored.
  const degraded = produced.headers.get("x-edgefleet-served-by") === "edge-fallback";
  return produced.status !== 200 || degraded ? null : produced.body;
}

/** What a miss's background fill needs: where to store, what was asked, and the answer's second branch. */
interface CacheFill {
  c: Context<EdgeEnv>;
  cache: EdgeCache;
  partition: string;
  exact: string;
  hotKey: string | undefined;
  call: CacheableCall;
  embedder: CacheEmbedder | undefined;
  /** The query's embedding when the lookup computed it (else it is computed here). */
  vector: Float32Array | undefined;
  produced: Response;
  body: ReadableStream<Uint8Array>;
}

async function storeInBackground(fill: CacheFill): Promise<void> {
  const { c, cache, call, embedder, produced } = fill;
  const text = await readLimited(fill.body, cache.settings.maxAnswerBytes);
  const answer =
    text === undefined
      ? undefined
      : toCachedAnswer(
          produced.status,
          produced.headers.get("content-type") ?? "",
          text,
          produced.headers.get("x-edgefleet-model-version") ?? call.modelVersion,
        );
  if (!answer) {
    return;
  }
  const query = call.semanticQuery;
  const semanticVector = query !== undefined && embedder ? (fill.vector ?? (await embedder.embed(query))) : undefined;
  await cache.store.put(fill.partition, {
    exactKey: fill.exact,
    ...(query !== undefined && semanticVector ? { semantic: { query, vector: semanticVector } } : {}),
    answer,
    ttlMs: cache.settings.ttlMs,
    capacity: cache.settings.capacity,
  });
  if (fill.hotKey !== undefined) {
    const now = Date.now();
    cache.hot?.set(fill.hotKey, answer, now + cache.settings.ttlMs, now);
  }
  c.get("deps").log.log("debug", "cache.filled", {
    request_id: c.get("requestId"),
    route: call.route,
    semantic: semanticVector !== undefined,
  });
}

/** The stream as text, or undefined once it grows past `limit` (too big to store) or fails. */
async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<string | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return text + decoder.decode();
      }
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return undefined;
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return undefined;
  }
}

/** A cached answer as the client gets it: replayed, saying which layer answered. */
function served(answer: CachedAnswer, kind: "hit" | "semantic", pop: string): Response {
  const res = replayAnswer(answer);
  res.headers.set("x-edgefleet-cache", kind);
  res.headers.set("x-edgefleet-served-by", `edge/${pop}`);
  res.headers.set("x-edgefleet-model-version", answer.modelVersion);
  return res;
}

/** Marks an answer that did not go through the cache. */
export function markBypass(res: Response): Response {
  return mark(res, "bypass");
}

function mark(res: Response, status: "miss" | "bypass"): Response {
  try {
    // Answers the edge built itself (every route's) are marked in place: no second copy per request.
    res.headers.set("x-edgefleet-cache", status);
    return res;
  } catch {
    // Responses from fetch have immutable headers; a copy's are ours.
    const out = new Response(res.body, res);
    out.headers.set("x-edgefleet-cache", status);
    return out;
  }
}

function background(c: Context<EdgeEnv>, work: Promise<void>): void {
  const guarded = work.catch((error: unknown) => {
    c.get("deps").log.log("warn", "cache.fill_failed", {
      error: error instanceof Error ? error.message : String(error),
    });
  });
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    // Node has no ExecutionContext: the promise simply runs on.
  }
}
