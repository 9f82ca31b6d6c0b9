/**
 * @module
 * A bounded memo of recent values by key, least recently used dropped first: what the verifier
 * and the pair scorer keep per text, since a cached request is compared again and again.
 */
import type { LRUCache } from "lru-cache";
import { boundedCache } from "./bounded-cache.ts";

export class RecentMemo<V extends {}> {
  /** Undefined when `size` is 0: `LRUCache` needs a positive bound, and nothing is kept anyway. */
  private readonly values: LRUCache<string, V> | undefined;

  /** `size` 0 keeps nothing (every call computes). */
  constructor(size: number) {
    this.values = size > 0 ? boundedCache<string, V>({ max: size }) : undefined;
  }

  get(key: string, compute: (key: string) => V): V {
    const hit = this.values?.get(key);
    if (hit !== undefined) {
      return hit;
    }
    const fresh = compute(key);
    this.values?.set(key, fresh);
    return fresh;
  }
}
