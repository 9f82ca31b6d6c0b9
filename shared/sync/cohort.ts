/**
 * @module
 * Canary cohorts by a stable hash of the PoP id: each PoP has a fixed bucket in [0, 10000),
 * and a canary of p% takes the PoPs whose bucket is below p·100. Growing the percentage only
 * adds PoPs, so the PoPs already on the canary stay on it.
 */
import type { ModelRollout } from "./protocol.ts";

const BUCKETS = 10_000;

/** FNV-1a (32 bit) over the id's UTF-8 bytes: tiny, stable across runtimes, well spread for short ids. */
export function popBucket(pop: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(pop)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche (murmur3 fmix32) so neighbouring ids do not land in neighbouring buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  // XOR yields a signed 32-bit integer: back to unsigned before the modulo.
  return (h >>> 0) % BUCKETS;
}

export function inCanary(pop: string, percent: number): boolean {
  return popBucket(pop) < Math.round(percent * (BUCKETS / 100));
}

/** The version this PoP should serve under a rollout, or undefined when none is set. */
export function desiredVersion(rollout: ModelRollout, pop: string): string | undefined {
  if (rollout.canary && inCanary(pop, rollout.canary.percent)) {
    return rollout.canary.version;
  }
  return rollout.stable;
}
