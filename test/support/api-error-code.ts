/**
 * The stable error code a call throws, for tests of input validation: the `ApiError` code, or a
 * string that says what else happened (so a failed assertion shows it).
 */
import { ApiError } from "../../shared/errors.ts";

export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? error.code : `not an ApiError: ${String(error)}`;
  }
  return "no error";
}
