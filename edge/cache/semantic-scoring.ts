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
import type { EdgeEnv } from "../env.ts";

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

export function recordSemanticHit(c: Context<EdgeEnv>, result: LookupResult, query: string | undefined): void {
  const sink = c.get("deps").cacheFeedback;
  if (!sink || result.kind !== "semantic" || !result.judged || query === undefined) {
    return;
  }
  sink.record({
    tenant: c.get("principal").tenant,
    requestId: c.get("requestId"),
    cached: result.judged.cachedQuery,
    incoming: query,
    features: result.judged.features,
    at: Date.now(),
  });
}
