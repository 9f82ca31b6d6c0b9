/**
 * @module
 * Arguments the registry commands share.
 */

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
