/**
 * @module
 * Built scorers by version, so a partition host (the Durable Object, the memory store) builds a
 * tenant's scorer once and keeps its verifier memo warm across lookups. A version is a content
 * hash, so one version is one model; a tenant's scorer carries its tenant, so the key has both.
 */
import { PairScorer } from "./pair-scorer.ts";
import type { ScorerModel } from "./scorer-model.ts";

const MAX_SCORERS = 64;
const built = new Map<string, PairScorer>();

export function scorerFor(model: ScorerModel): PairScorer {
  const key = `${model.tenant ?? ""}/${model.version}`;
  let scorer = built.get(key);
  if (!scorer) {
    if (built.size >= MAX_SCORERS) {
      const oldest = built.keys().next();
      if (!oldest.done) {
        built.delete(oldest.value);
      }
    }
    scorer = new PairScorer(model);
    built.set(key, scorer);
  }
  return scorer;
}
