/**
 * @module
 * The learning cache's part of one cached call, kept out of `with-cache.ts`: the tenant's tuned
 * scorer (if any), the cosine floor the semantic search uses with it, and the record of a scored
 * semantic hit for feedback. Without a tuned scorer nothing changes: cosine ≥ threshold, then
 * the verifier.
 */
import type { Context } from "hono";
import type { LookupResult } from "../../shared/cache/partition-cache.ts";
import { defaultScorer, type ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";
import { scorerModelId } from "../../shared/cache/scorer/published-scorer.ts";
import type { EdgeEnv } from "../env.ts";
import type { ScorerRelease } from "./cache-feedback.ts";

export async function tenantScorer(c: Context<EdgeEnv>): Promise<ScorerModel | undefined> {
  const scorers = c.get("deps").cacheScorers;
  const tenant = c.get("principal").tenant;
  const model = scorers ? await scorers.get(tenant) : undefined;
  // A scorer trained on another tenant's traffic is never applied (isolation, not just hygiene).
  return model && model.tenant === tenant ? model : undefined;
}

/**
 * The search floor: the scorer's candidate floor, unless the request asked for a stricter
 * cosine (`x-edgefleet-cache-threshold`, already checked against the operator's floor).
 */
export function searchThreshold(c: Context<EdgeEnv>, policyThreshold: number, scorer: ScorerModel | undefined): number {
  if (!scorer || c.req.header("x-edgefleet-cache-threshold") !== undefined) {
    return policyThreshold;
  }
  return scorer.candidate_floor;
}

/**
 * The scorer the lookup runs: the tenant's tuned one, or — when feedback is collected — the
 * untuned default (the same decision as cosine ≥ threshold + verifier, but it reports the
 * features a hit had, so the very first wrong hit can become training data).
 */
export function lookupScorer(
  c: Context<EdgeEnv>,
  tuned: ScorerModel | undefined,
  threshold: number,
  verifier: "rules" | "off",
): ScorerModel | undefined {
  if (tuned || !c.get("deps").cacheFeedback) {
    return tuned;
  }
  return { ...defaultScorer(threshold), veto: verifier === "rules" };
}

/**
 * The registry release of the tenant's scorer, when it came through a rollout: the PoP catalog's
 * `cache-scorer.<tenant>` manifest names the same content version. A scorer put in by hand
 * (`PUT /admin/cache-scorers`) has none.
 */
async function scorerRelease(c: Context<EdgeEnv>, scorer: ScorerModel): Promise<ScorerRelease | undefined> {
  const id = scorerModelIdOrUndefined(c.get("principal").tenant);
  const manifest = id === undefined ? undefined : await c.get("deps").catalog.get(id);
  return manifest && manifest.settings?.["scorer_version"] === scorer.version
    ? { model: manifest.id, version: manifest.version }
    : undefined;
}

/**
 * A semantic hit the tenant's tuned scorer decided: counted as a request of the scorer's release
 * (for the rollout gate), and kept for feedback, which may later mark it wrong (an error).
 */
export async function recordSemanticHit(
  c: Context<EdgeEnv>,
  result: LookupResult,
  query: string | undefined,
  tuned: ScorerModel | undefined,
): Promise<void> {
  if (result.kind !== "semantic" || !result.judged || query === undefined) {
    return;
  }
  const release = tuned ? await scorerRelease(c, tuned) : undefined;
  if (release) {
    c.get("deps").health?.record(release.model, release.version, true, 0);
  }
  c.get("deps").cacheFeedback?.record({
    tenant: c.get("principal").tenant,
    requestId: c.get("requestId"),
    cached: result.judged.cachedQuery,
    incoming: query,
    features: result.judged.features,
    at: Date.now(),
    ...(release ? { release } : {}),
  });
}

function scorerModelIdOrUndefined(tenant: string): string | undefined {
  try {
    return scorerModelId(tenant);
  } catch {
    return undefined; // a tenant name too long for a model id has no published scorer
  }
}
