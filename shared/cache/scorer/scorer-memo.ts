/**
 * @module
 * Built scorers by version, so a partition host (the Durable Object, the memory store) builds a
 * tenant's scorer once and keeps its verifier memo warm across lookups. A version is a content
 * hash, so one version is one model; a tenant's scorer carries its tenant, so the key has both.
 */
import { boundedCache } from "../bounded-cache.ts";
import { PairScorer } from "./pair-scorer.ts";
import type { ScorerModel } from "./scorer-model.ts";

/** Scorers kept per isolate: one per active tenant version; the least recently used is rebuilt. */
const MAX_SCORERS = 64;
const built = boundedCache<string, PairScorer>({ max: MAX_SCORERS });

export function scorerFor(model: ScorerModel): PairScorer {
  const key = `${model.tenant ?? ""}/${model.version}`;
  let scorer = built.get(key);
  if (!scorer) {
    scorer = new PairScorer(model);
    built.set(key, scorer);
  }
  return scorer;
}
