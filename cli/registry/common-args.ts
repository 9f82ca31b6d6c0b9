/**
 * @module
 * Arguments the registry commands share, and the checks of their values.
 */
import semverValid from "semver/functions/valid";
import { UserError } from "../output.ts";

export const registryArg = {
  type: "string",
  description: "Registry directory (or, for reading, an http(s) URL)",
  default: ".edgefleet/registry",
} as const;

export const keysArg = {
  type: "string",
  description: "Directory of signing keys",
  default: ".edgefleet/keys",
} as const;

export const timestampArg = {
  type: "string",
  description: "How long the new timestamp stays valid, e.g. 1d, 12h, 30m",
  default: "1d",
} as const;

/** `1d`, `12h`, `30m`, `45s` → seconds. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)([dhms])$/.exec(text.trim());
  if (!m) {
    return null;
  }
  const unit = { d: 86_400, h: 3_600, m: 60, s: 1 }[m[2] as "d" | "h" | "m" | "s"];
  return Number(m[1]) * unit;
}

/**
 * Shortest `--timestamp-expires`: a timestamp that lapses within a minute would leave devices
 * and edges refusing the registry before they could fetch the next one.
 */
export const MIN_TIMESTAMP_SECONDS = 60;

/** `--timestamp-expires` in seconds; the message says which rule the value broke, the format or the minimum. */
export function timestampExpiresSeconds(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === null) {
    throw new UserError(
      `--timestamp-expires must be a whole number and a unit (d, h, m or s), such as 1d, 12h or 30m (got ${JSON.stringify(text)})`,
    );
  }
  if (seconds < MIN_TIMESTAMP_SECONDS) {
    throw new UserError(
      `--timestamp-expires must be at least ${MIN_TIMESTAMP_SECONDS} seconds (1m); got ${JSON.stringify(text)}, ${seconds} s`,
    );
  }
  return seconds;
}

/** Refuses a flag's value that is not a plain semantic version (`1.2.0`, not `1.2` or `v1.2.0`). */
export function requireSemver(flag: string, value: string): void {
  if (semverValid(value) !== value) {
    throw new UserError(`${flag} ${JSON.stringify(value)} is not a semantic version such as 1.2.0`);
  }
}
