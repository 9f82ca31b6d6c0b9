/**
 * @module
 * Refuses bodies over the limit with 413 after reading at most limit + 1 bytes, whether or
 * not the client sent a Content-Length (Hono's bodyLimit counts a chunked body as it reads).
 */
import { bodyLimit } from "hono/body-limit";
import { ApiError, errorResponse } from "../../shared/errors.ts";

export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () =>
      errorResponse(new ApiError(413, "payload_too_large", `The request body is larger than ${maxBytes} bytes.`)),
  });
}
