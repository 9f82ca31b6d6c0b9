/**
 * @module
 * Per-request plumbing of the origin: the request id (the caller's when sane — the edge
 * passes its own on — or a new one), refusal while draining, and the deadline: a request
 * whose `x-edgefleet-deadline` has passed is answered 504 without work, and the rest get an
 * abort signal that fires at the deadline or when the client disconnects.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors.ts";
import { DEADLINE_HEADER, parseDeadline, REQUEST_ID_HEADER } from "../../shared/protocol/headers.ts";
import type { OriginEnv } from "../deps.ts";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestContext = createMiddleware<OriginEnv>(async (c, next) => {
  const given = c.req.header(REQUEST_ID_HEADER);
  c.set("requestId", given && SANE_ID.test(given) ? given : crypto.randomUUID());
  const signals = [c.req.raw.signal];
  const deadline = parseDeadline(c.req.header(DEADLINE_HEADER));
  if (deadline !== undefined) {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ApiError(504, "deadline_exceeded", "The request's deadline had passed when it arrived.");
    }
    signals.push(AbortSignal.timeout(left));
  }
  c.set("signal", AbortSignal.any(signals));
  await next();
  c.res.headers.set(REQUEST_ID_HEADER, c.get("requestId"));
});

export const refuseWhileDraining = createMiddleware<OriginEnv>(async (c, next) => {
  if (c.get("deps").lifecycle.draining) {
    // Retryable by design: the router sends it to another origin.
    c.header("connection", "close");
    throw new ApiError(503, "origin_draining", "This origin is shutting down; retry on another.", { retryAfter: 1 });
  }
  await next();
});

/** Settles with the work, or rejects with 504 when the signal fires first (the work itself is left to finish). */
export async function withinDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    throw deadlineError();
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadlineError());
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) {
      signal.removeEventListener("abort", onAbort);
    }
    work.catch(() => undefined);
  }
}

function deadlineError(): ApiError {
  return new ApiError(504, "deadline_exceeded", "The request's deadline passed before the answer was ready.");
}
