/**
 * @module
 * The answer path's one call into outcome monitoring: remembers the request id of a local answer
 * (tenant, model, version) so `POST /v1/feedback` can later attach an outcome to it.
 */
import type { Context } from "hono";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { EdgeEnv } from "../env.ts";

export function rememberAnswer(c: Context<EdgeEnv>, manifest: ModelManifest): void {
  const outcomes = c.get("deps").outcomes;
  if (!outcomes) {
    return;
  }
  outcomes.remember(c.get("requestId"), {
    tenant: c.get("principal").tenant,
    model: manifest.id,
    version: manifest.version,
  });
}
