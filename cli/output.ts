/**
 * @module
 * How commands talk to people and to scripts: human lines on stdout, or with `--json` one
 * JSON object on stdout and nothing else. Errors go to stderr with a non-zero exit code.
 */

export const jsonArg = {
  type: "boolean",
  description: "Print one JSON object instead of text",
  default: false,
} as const;

export function printResult(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human()}\n`);
}

/** A mistake the user can fix: shown without a stack trace. */
export class UserError extends Error {
  override readonly name = "UserError";
}
