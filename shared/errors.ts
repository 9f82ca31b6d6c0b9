/**
 * @module
 * One error type for the whole API, one wire shape: the OpenAI error body
 * `{"error": {"message", "type", "param", "code"}}` with the right HTTP status.
 * Codes are stable and machine-readable; messages are for people.
 */

/** OpenAI's error `type` values, by HTTP status family. */
export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error"
  | "timeout_error";

/** Every status this API answers errors with (README.md, "API"). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 414 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

const TYPE_BY_STATUS: Record<ErrorStatus, ErrorType> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  409: "invalid_request_error",
  413: "invalid_request_error",
  414: "invalid_request_error",
  415: "invalid_request_error",
  422: "invalid_request_error",
  429: "rate_limit_error",
  500: "server_error",
  502: "server_error",
  503: "server_error",
  504: "timeout_error",
};

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { message: string; type: ErrorType; param: string | null; code: string };
}

export interface ApiErrorOptions {
  param?: string;
  /** Seconds; sent as `retry-after` on 429 and 503. */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * An error that knows how it is answered over HTTP.
 * Anything else that is thrown becomes a 500 `internal_error` whose message hides internals.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: ErrorStatus;
  readonly code: string;
  readonly param: string | null;
  readonly retryAfter: number | undefined;

  constructor(status: ErrorStatus, code: string, message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter;
  }

  get type(): ErrorType {
    return TYPE_BY_STATUS[this.status];
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  /** Works across bundle copies, where `instanceof` would not. */
  static is(value: unknown): value is ApiError {
    return value instanceof Error && value.name === "ApiError" && "status" in value && "code" in value;
  }
}

/** Builds the error response. Used by every Hono app of the project (edge, origin, control plane). */
export function errorResponse(error: ApiError, headers: Record<string, string> = {}): Response {
  const h = new Headers({ "content-type": "application/json", ...headers });
  if (error.retryAfter !== undefined) {
    h.set("retry-after", String(Math.max(0, Math.ceil(error.retryAfter))));
  }
  return new Response(JSON.stringify(error.toBody()), { status: error.status, headers: h });
}

/** Wraps anything thrown into an ApiError, hiding the internals of unexpected failures. */
export function toApiError(error: unknown): ApiError {
  if (ApiError.is(error)) {
    return error;
  }
  return new ApiError(500, "internal_error", "The server failed to handle the request.", { cause: error });
}
