/**
 * @module
 * The order in which a request tries origins. Origins that do not serve the model, are
 * cooling down after a `retry-after`, or whose breaker is open are left out. The best
 * priority tier comes first; inside it the first pick is the better of two chosen at random
 * (power of two choices on expected latency × reported load), which spreads load without
 * herding onto the single "best" origin; the rest follow by score, then lower tiers.
 */
import type { OriginState } from "./origin-state.ts";

export function orderCandidates(
  origins: readonly OriginState[],
  model: string,
  now: number,
  initialLatencyMs: number,
  random: () => number = Math.random,
): OriginState[] {
  const usable = origins.filter((o) => o.serves(model) && o.coolingUntil <= now && o.breaker.state() !== "open");
  const tiers = [...new Set(usable.map((o) => o.entry.priority))].toSorted((a, b) => a - b);
  const ordered: OriginState[] = [];
  for (const tier of tiers) {
    const members = usable
      .filter((o) => o.entry.priority === tier)
      .toSorted((a, b) => a.score(initialLatencyMs) - b.score(initialLatencyMs));
    if (members.length >= 2) {
      const i = Math.floor(random() * members.length);
      let j = Math.floor(random() * (members.length - 1));
      if (j >= i) {
        j += 1;
      }
      const a = members[i] as OriginState;
      const b = members[j] as OriginState;
      const first = a.score(initialLatencyMs) <= b.score(initialLatencyMs) ? a : b;
      ordered.push(first, ...members.filter((m) => m !== first));
    } else {
      ordered.push(...members);
    }
  }
  return ordered;
}
