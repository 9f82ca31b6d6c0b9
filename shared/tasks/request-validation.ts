/**
 * @module
 * Turns a failed zod parse into the API's 400 with a message that names the field.
 */
import type { z } from "zod";
import { ApiError } from "../errors.ts";

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${where}.${issue.path.join(".")}` : where;
  throw new ApiError(400, "invalid_request", `${path}: ${issue?.message ?? "invalid value"}`, { param: path });
}
