/**
 * @module
 * Reads a JSON request body and validates it with a schema: wrong content type, broken JSON
 * and schema violations all become 400s with a stable code and a message naming the field.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../../shared/errors.ts";
import { DEFAULT_JSON_LIMITS, parseJsonWithin } from "../../shared/http/json-shape.ts";
import { parseOrThrow } from "../../shared/tasks/request-validation.ts";

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type");
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(400, "invalid_content_type", `Send the body as application/json (got ${type.slice(0, 60)}).`);
  }
  // Depth, array and string limits first: a hostile shape never reaches the schema or the model.
  const body = parseJsonWithin(await c.req.text(), DEFAULT_JSON_LIMITS);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "invalid_request", "The request body must be a JSON object.");
  }
  return parseOrThrow(schema, body, "body");
}
