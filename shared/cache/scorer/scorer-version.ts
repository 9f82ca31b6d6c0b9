/**
 * @module
 * A scorer's version is the hash of its content (canonical JSON of everything but `version`):
 * the same scorer always has the same version, so the cache partition key changes exactly when
 * the scorer does. Computed by tuning, checked again when a scorer arrives from the registry.
 */
import { sha256Hex } from "../../crypto/sha256.ts";
import { canonicalJson } from "../canonical-json.ts";
import type { ScorerModel } from "./scorer-model.ts";

export async function scorerVersion(body: Omit<ScorerModel, "version">): Promise<string> {
  const { version: _ignored, ...content } = body as ScorerModel;
  const digest = await sha256Hex(new TextEncoder().encode(canonicalJson(content)));
  return `sha256:${digest.slice(0, 16)}`;
}
