/**
 * @module
 * What each deploy target needs before it touches anything: credentials in the environment,
 * tools on PATH, no placeholder left in a config. Every missing item is reported at once, and
 * nothing is built or deployed while any is missing, so a deploy never stops half-way for a
 * reason that was knowable up front.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface Preflight {
  missing: string[];
}

export function needEnv(p: Preflight, names: readonly string[], why: string): void {
  const absent = names.filter((n) => !process.env[n]);
  if (absent.length > 0) {
    p.missing.push(`${absent.join(" and ")} (${why})`);
  }
}

/** Passes when any of the alternatives is fully set (AWS: a profile, or a key pair). */
export function needAnyEnv(p: Preflight, alternatives: readonly (readonly string[])[], why: string): void {
  if (!alternatives.some((names) => names.every((n) => process.env[n]))) {
    p.missing.push(`${alternatives.map((a) => a.join(" + ")).join(" or ")} (${why})`);
  }
}

export function needTool(p: Preflight, tool: string, install: string): boolean {
  try {
    execFileSync(tool, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    p.missing.push(`${tool} on PATH (${install})`);
    return false;
  }
}

/** wrangler configs ship with REPLACE_WITH_… ids (KV namespaces) that each account fills in. */
export function needNoPlaceholders(p: Preflight, path: string): void {
  const found = [...new Set(readFileSync(path, "utf8").match(/REPLACE_WITH_[A-Z0-9_]+/g) ?? [])];
  if (found.length > 0) {
    p.missing.push(`${path} still has ${found.join(", ")} (see deploy/README.md, "Cloudflare resources")`);
  }
}
