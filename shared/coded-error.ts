/**
 * @module
 * The base of the project's typed errors that carry a stable machine-readable `code` (TUF
 * refusals, device refusals): tests, logs and the CLI assert the code, messages are for
 * people. `isCodedError` recognises one by its `name`, which works across bundle copies
 * where `instanceof` would not.
 */

export abstract class CodedError<C extends string> extends Error {
  readonly code: C;

  protected constructor(code: C, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

/** True when `value` is an error named `name` that carries a code. */
export function isCodedError(value: unknown, name: string): boolean {
  return value instanceof Error && value.name === name && "code" in value;
}
