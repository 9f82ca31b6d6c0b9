/**
 * @module
 * Reads a JSON body through a zod schema: wrong content type, broken JSON and schema
 * violations are 400s with stable codes (the same rules as the edge's reader; origin/ may
 * not import edge/, and this is small enough to keep twice rather than widen shared/).
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
