/**
 * @module
 * One limit on the request target (path and query) for every HTTP server of the network: the
 * edge (workerd and the Node PoP), the origin and the control plane answer a longer one with
 * 414 `uri_too_long` before any route parses it. Without it each runtime drew its own line
 * (Node's 16 KiB header cap answers 431, workerd let 100 KB through), so the same URL was
 * refused on one side and served on the other.
 */
import { createMiddleware } from "hono/factory";
import { ApiError, errorResponse } from "../errors.ts";

/** Characters of path and query; generous for any route of ours, far under every runtime's own cap. */
export const MAX_URL_CHARS = 8192;

/** Length of the request target: the URL after its scheme and authority. */
function targetLength(url: string): number {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path < 0 ? 0 : url.length - path;
}

export function limitUrl(maxChars: number = MAX_URL_CHARS) {
  return createMiddleware(async (c, next) => {
    const length = targetLength(c.req.url);
    if (length > maxChars) {
      return errorResponse(
        new ApiError(414, "uri_too_long", `The request URL is ${length} characters; the limit is ${maxChars}.`),
      );
    }
    await next();
  });
}
