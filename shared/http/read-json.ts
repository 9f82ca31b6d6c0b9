/**
 * @module
 * Reads a JSON request body through a zod schema, for the edge and the origin alike: a wrong
 * content type, bytes that are not UTF-8, hostile JSON (depth, array, object, string and size
 * limits, scanned before parsing), broken JSON and schema violations are 400s with stable codes
 * and a message naming the field.
 */
import type { z } from "zod";
import { ApiError } from "../errors.ts";
import { parseOrThrow } from "../tasks/request-validation.ts";
import { DEFAULT_JSON_LIMITS, parseJsonWithin } from "./json-shape.ts";
import { type BodyBytesRequest, readUtf8Body } from "./utf8-body.ts";

/** What this needs of a request: Hono's `c.req` has it (structural, so shared/ needs no Hono types). */
export interface JsonRequest extends BodyBytesRequest {
  header(name: string): string | undefined;
}

export async function readJson<S extends z.ZodType>(c: { req: JsonRequest }, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type");
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(400, "invalid_content_type", `Send the body as application/json (got ${type.slice(0, 60)}).`);
  }
  const body = parseJsonWithin(await readUtf8Body(c.req), DEFAULT_JSON_LIMITS);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "invalid_request", "The request body must be a JSON object.");
  }
  return parseOrThrow(schema, body, "body");
}
