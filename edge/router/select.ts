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
  // An origin not measured yet is assumed as fast as the fastest measured one, so it gets
  // traffic and a measurement instead of being starved by a pessimistic guess.
  const measured = usable.filter((o) => o.latency.count > 0).map((o) => o.latency.ewma(initialLatencyMs));
  const assumed = measured.length > 0 ? Math.min(...measured) : initialLatencyMs;
  const tiers = [...new Set(usable.map((o) => o.entry.priority))].toSorted((a, b) => a - b);
  const ordered: OriginState[] = [];
  for (const tier of tiers) {
    const members = usable
      .filter((o) => o.entry.priority === tier)
      .toSorted((a, b) => a.score(assumed, now) - b.score(assumed, now));
    if (members.length >= 2) {
      const i = Math.floor(random() * members.length);
      let j = Math.floor(random() * (members.length - 1));
      if (j >= i) {
        j += 1;
      }
      const a = members[i] as OriginState;
      const b = members[j] as OriginState;
      const first = clearlyBetter(b, a, assumed, now) ? b : a;
      ordered.push(first, ...members.filter((m) => m !== first));
    } else {
      ordered.push(...members);
    }
  }
  return ordered;
}

/**
 * True when `x` scores more than 20% better than `y`. Scores closer than that count as equal
 * and the random pick stands, so two alike origins share traffic instead of one taking all of
 * it on noise (with two origins, "better of two" alone would always pick the same one).
 */
function clearlyBetter(x: OriginState, y: OriginState, best: number, now: number): boolean {
  return x.score(best, now) < 0.8 * y.score(best, now);
}
