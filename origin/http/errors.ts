/**
 * @module
 * The origin's error and not-found handlers: the shared OpenAI error body, with the request
 * id and the load headers, and server errors logged.
 */
import type { ErrorHandler, NotFoundHandler } from "hono";
import { ApiError, errorResponse, toApiError } from "../../shared/errors.ts";
import {
  IN_FLIGHT_HEADER,
  QUEUE_DEPTH_HEADER,
  REQUEST_ID_HEADER,
  SERVED_BY_HEADER,
} from "../../shared/protocol/headers.ts";
import type { OriginEnv } from "../deps.ts";

export const onError: ErrorHandler<OriginEnv> = (error, c) => {
  const deps = c.get("deps");
  const apiError = toApiError(error);
  if (apiError.status >= 500 && apiError.status !== 503 && apiError.status !== 504) {
    deps.log.log("error", "request.failed", {
      request_id: c.get("requestId"),
      path: c.req.path,
      code: apiError.code,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
  const res = errorResponse(apiError, {
    [SERVED_BY_HEADER]: deps.servedBy,
    [QUEUE_DEPTH_HEADER]: String(deps.load.queueDepth),
    [IN_FLIGHT_HEADER]: String(deps.load.inFlight),
  });
  const id = c.get("requestId");
  if (id) {
    res.headers.set(REQUEST_ID_HEADER, id);
  }
  return res;
};

export const onNotFound: NotFoundHandler<OriginEnv> = (c) =>
  errorResponse(new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`));
