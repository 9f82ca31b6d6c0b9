/**
 * @module
 * What one attempt on an origin means for the request and for the origin's health:
 * success; a final answer the client gets as is (its own mistakes — 400, 401, 403, 404, 413,
 * 422 — are never retried); or a retryable failure (connection error, TTFB timeout,
 * 500/502/503/504, 429). A Lambda `TooManyRequestsException` means the function never ran:
 * fail over at once and leave that origin alone for its `retryAfterSeconds`.
 */

export type Failure =
  | "connect"
  | "timeout"
  | "status"
  | "throttled"
  | "stream_before_first_byte"
  | "function_error"
  | "bad_response";

export type AttemptOutcome =
  | {
      kind: "answer";
      /** The origin's status and headers; its body may already have been read into `body`. */
      response: Response;
      /** The answer's body: the response's own until the router reads it whole or guards its stream. */
      body: ArrayBuffer | ReadableStream<Uint8Array> | null;
      ms: number;
    }
  | { kind: "retryable"; failure: Failure; status?: number; retryAfterMs?: number; countsAgainstOrigin: boolean };

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** Classifies an origin's response headers (the body has not been read). */
export function classifyResponse(response: Response, ms: number): AttemptOutcome {
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  if (status === 429) {
    // Throttling says nothing about the origin's health: cool it down, don't count a breaker failure.
    return {
      kind: "retryable",
      failure: "throttled",
      status,
      retryAfterMs: retryAfterMs ?? 1000,
      countsAgainstOrigin: false,
    };
  }
  if (RETRYABLE_STATUS.has(status)) {
    return {
      kind: "retryable",
      failure: "status",
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      countsAgainstOrigin: true,
    };
  }
  return { kind: "answer", response, body: response.body, ms };
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d{1,6}(\.\d+)?$/.test(value.trim())) {
    return undefined;
  }
  return Math.min(Number(value) * 1000, 300_000);
}
