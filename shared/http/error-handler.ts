/**
 * @module
 * The one place an HTTP server's errors become responses, for every Hono app of the project
 * (edge, origin, control plane, registry API): the shared error body
 * `{"error": {"message", "type", "param", "code"}}` of `shared/errors.ts` with the right status,
 * internals never leaked, server failures logged with the request id and what was thrown
 * (causes included). What differs between servers is passed in: the logger, the request id,
 * extra headers (an origin's load), which server statuses are answers rather than failures,
 * and the wording of the 404.
 */
import type { Context, Env, ErrorHandler, NotFoundHandler } from "hono";
import { ApiError, type ErrorStatus, errorResponse, toApiError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { REQUEST_ID_HEADER } from "../protocol/headers.ts";

export interface ErrorHandlerOptions<E extends Env> {
  /** Where server errors (5xx) are logged; none: not logged. */
  logger?: (c: Context<E>) => Logger;
  /** The request's id: sent back as `x-request-id` and logged. */
  requestId?: (c: Context<E>) => string | undefined;
  /** More headers on every error response (an origin's load headers). */
  headers?: (c: Context<E>) => Record<string, string>;
  /** Server statuses that are expected answers, not failures (an origin's 503 when saturated): not logged. */
  expected?: readonly ErrorStatus[];
  /** The 404 for a path no route matches (default: `not_found`, "No route for GET /x."). */
  notFound?: (c: Context<E>) => ApiError;
}

export interface ErrorHandlers<E extends Env> {
  onError: ErrorHandler<E>;
  onNotFound: NotFoundHandler<E>;
}

export function errorHandlers<E extends Env>(options: ErrorHandlerOptions<E> = {}): ErrorHandlers<E> {
  const respond = (c: Context<E>, apiError: ApiError): Response => {
    const res = errorResponse(apiError, options.headers?.(c) ?? {});
    const id = options.requestId?.(c);
    if (id) {
      res.headers.set(REQUEST_ID_HEADER, id);
    }
    return res;
  };
  return {
    onError: (error, c) => {
      const apiError = toApiError(error);
      if (apiError.status >= 500 && !options.expected?.includes(apiError.status)) {
        options.logger?.(c).log("error", "request.failed", {
          request_id: options.requestId?.(c),
          path: c.req.path,
          code: apiError.code,
          error: describe(apiError.cause ?? error),
        });
      }
      return respond(c, apiError);
    },
    onNotFound: (c) => respond(c, options.notFound?.(c) ?? noRoute(c)),
  };
}

/** Installs both handlers on an app (or sub-app). */
export function useErrorHandlers<E extends Env>(
  app: { onError(handler: ErrorHandler<E>): unknown; notFound(handler: NotFoundHandler<E>): unknown },
  options: ErrorHandlerOptions<E> = {},
): void {
  const handlers = errorHandlers(options);
  app.onError(handlers.onError);
  app.notFound(handlers.onNotFound);
}

function noRoute(c: Context): ApiError {
  return new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause === undefined ? "" : ` (cause: ${describe(error.cause)})`;
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
