/**
 * @module
 * Request bodies as text, refusing bytes that are not UTF-8 with 400 `invalid_utf8`. `Request.text()`
 * replaces bad bytes with U+FFFD silently, so a client's broken encoding would reach models, caches
 * and origins as text the client never sent; a fatal decoder (workerd, Node and browsers alike) says so.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.ts";

/** What this needs of a request: Hono's `c.req` has it (it caches the bytes for later reads). */
export interface BodyBytesRequest {
  arrayBuffer(): Promise<ArrayBuffer>;
}

// `fatal` throws at the first invalid sequence; a decoder without `stream` keeps no state between calls.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The body decoded as UTF-8 (a leading BOM dropped), or 400 `invalid_utf8`. */
export async function readUtf8Body(req: BodyBytesRequest): Promise<string> {
  const bytes = await req.arrayBuffer();
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_utf8", "The request body is not valid UTF-8.");
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * Refuses a POSTed JSON body that is not UTF-8 before anything reads it as text. Needed where a
 * middleware reads `c.req.text()` before the route's `readJson` (the edge's rate limiter counts
 * tokens): Hono caches the first read, so the route would otherwise get the replaced text. Reading
 * the bytes here makes them the cached body every later read derives from.
 */
export const refuseInvalidUtf8 = createMiddleware(async (c, next) => {
  const type = c.req.header("content-type");
  if (c.req.method === "POST" && (type === undefined || JSON_TYPE.test(type))) {
    await readUtf8Body(c.req);
  }
  await next();
});
