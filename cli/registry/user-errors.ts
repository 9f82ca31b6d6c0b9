/**
 * @module
 * The registry's refusals that the operator can fix (a version that exists, a missing key, an
 * uninitialized registry) become one-line CLI errors with exit code 2.
 */
import { ApiError } from "../../shared/errors.ts";
import { UserError } from "../output.ts";

export async function asUserErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (ApiError.is(error) && error.status < 500) {
      throw new UserError(error.message);
    }
    throw error;
  }
}
