/**
 * @module
 * The `x-edgefleet-*` headers every inference answer carries (README.md, "API").
 */
import type { Context } from "hono";
import type { ModelManifest } from "../shared/manifest/model-manifest.ts";
import type { EdgeEnv } from "./env.ts";

export type CacheStatus = "hit" | "semantic" | "miss" | "bypass";

export function setInferenceHeaders(
  c: Context<EdgeEnv>,
  manifest: ModelManifest,
  cache: CacheStatus,
  provider: string,
  servedBy = `edge/${c.get("deps").pop}`,
): void {
  c.header("x-edgefleet-cache", cache);
  c.header("x-edgefleet-served-by", servedBy);
  c.header("x-edgefleet-model-version", manifest.version);
  c.header("x-edgefleet-provider", provider);
}
