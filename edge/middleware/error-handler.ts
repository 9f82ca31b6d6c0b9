/**
 * @module
 * The one place errors become responses: the OpenAI error body with the right status,
 * internals never leaked, unexpected failures logged with the request id.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { ApiError, errorResponse, toApiError } from "../../shared/errors.ts";
import type { EdgeEnv } from "../env.ts";

export const onError: ErrorHandler<EdgeEnv> = (error, c) => {
  const apiError = toApiError(error);
  if (apiError.status >= 500) {
    c.get("deps").log.log("error", "request.failed", {
      request_id: c.get("requestId"),
      path: c.req.path,
      code: apiError.code,
      error: describe(apiError.cause ?? error),
    });
  }
  return withRequestId(c, errorResponse(apiError));
};

export const onNotFound: NotFoundHandler<EdgeEnv> = (c) =>
  withRequestId(c, errorResponse(new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`)));

function withRequestId(c: Context<EdgeEnv>, res: Response): Response {
  const id = c.get("requestId");
  if (id) {
    res.headers.set("x-request-id", id);
  }
  return res;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause === undefined ? "" : ` (cause: ${describe(error.cause)})`;
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
