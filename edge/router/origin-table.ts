/**
 * @module
 * The origin table: which origins exist (region, endpoint, kind, priority, models) and the
 * routing policy (timeouts, breaker, retry budget, hedging). The Worker reads it from the
 * `ORIGINS` variable as JSON; every field is checked here before the router uses it.
 */
import { z } from "zod";

export const OriginEntrySchema = z
  .object({
    id: z.string().regex(/^[\w.-]{1,64}$/),
    region: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    /** `http`: an origin server speaking the edge's API; `lambda`: the serverless origin through the Lambda Invoke API. */
    kind: z.enum(["http", "lambda"]).default("http"),
    /** Base URL: the origin server, or the Lambda API endpoint (`https://lambda.<region>.amazonaws.com`). */
    endpoint: z.url(),
    /** Lower is preferred; the next tier is used only when the better one cannot answer. */
    priority: z.number().int().min(0).max(100).default(0),
    /** Models it serves; absent means all. */
    models: z.array(z.string().min(1).max(200)).optional(),
    /** Lambda only: the function name (or ARN) and the AWS region to sign for. */
    function_name: z.string().min(1).max(256).optional(),
    aws_region: z.string().min(1).max(32).optional(),
  })
  .refine((o) => o.kind !== "lambda" || o.function_name !== undefined, {
    message: "a lambda origin needs function_name",
    path: ["function_name"],
  });
export type OriginEntry = z.infer<typeof OriginEntrySchema>;

export const PolicySchema = z.object({
  /** Longest wait for an origin's response headers (and a stream's first chunk) before failing over. */
  ttfb_timeout_ms: z.number().int().positive().default(2000),
  /** Deadline given to requests that bring none. */
  deadline_ms: z.number().int().positive().default(30_000),
  /** Longest silence inside a stream before it is ended with an error event. */
  stall_ms: z.number().int().positive().default(10_000),
  /** Attempts per request, the first included (each on a different origin). */
  max_attempts: z.number().int().min(1).max(6).default(3),
  /** Latency assumed for an origin not measured yet (ms). */
  initial_latency_ms: z.number().positive().default(50),
  /** Weight of the newest sample in the latency average. */
  ewma_alpha: z.number().gt(0).max(1).default(0.3),
  breaker: z
    .object({
      consecutive_failures: z.number().int().min(1).default(5),
      error_rate: z.number().gt(0).max(1).default(0.5),
      min_requests: z.number().int().min(1).default(20),
      window_ms: z.number().int().positive().default(10_000),
      /** First open period; doubles on each re-open, up to max_open_ms. Half-open probes follow it. */
      open_ms: z.number().int().positive().default(5000),
      max_open_ms: z.number().int().positive().default(30_000),
    })
    .prefault({}),
  retry_budget: z
    .object({
      ratio: z.number().min(0).max(1).default(0.2),
      min_per_window: z.number().int().min(0).default(3),
      window_ms: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  hedge: z
    .object({
      enabled: z.boolean().default(false),
      /** Samples of an origin's latency needed before its p95 is trusted. */
      min_samples: z.number().int().min(1).default(20),
    })
    .prefault({}),
});
export type RoutingPolicy = z.infer<typeof PolicySchema>;

export const OriginTableSchema = z.object({
  origins: z.array(OriginEntrySchema).max(32),
  policy: PolicySchema.prefault({}),
  /** Models sent to origins even when this edge serves them too; the local copy becomes the fallback. */
  origin_first: z.array(z.string().min(1).max(200)).default([]),
  /**
   * The version each origin-served model answers with, as deployed. The response cache keys
   * origin answers by it, so a new version never sees the old one's answers; a model without
   * one here is never cached at the edge.
   */
  model_versions: z.record(z.string().min(1).max(200), z.string().min(1).max(128)).default({}),
  /**
   * Origin-served models private to tenants (the manifest's `private_to`, which the edge cannot
   * read for a model only origins hold). Any other tenant gets the 404 of a model that does not
   * exist, before anything is forwarded; the origin checks its own manifests as well.
   */
  private_to: z
    .record(
      z.string().min(1).max(200),
      z
        .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/))
        .min(1)
        .max(100),
    )
    .default({}),
  /** Chat limits the edge enforces before forwarding (no generative model runs at the edge to count them). */
  chat: z
    .object({
      /** Largest `max_tokens` / `max_completion_tokens` a request may ask for; also what one without either is charged. */
      max_tokens: z.number().int().min(1).max(1_000_000).default(4096),
      /** Largest prompt, estimated as its JSON text / 4 (the rate limiter's estimate). */
      max_prompt_tokens: z.number().int().min(1).max(10_000_000).default(128_000),
    })
    .prefault({}),
});
export type OriginTable = z.infer<typeof OriginTableSchema>;
