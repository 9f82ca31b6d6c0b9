/**
 * @module
 * A bounded memo of recent values by key, least recently used dropped first: what the verifier
 * and the pair scorer keep per text, since a cached request is compared again and again. A Map
 * keeps insertion order, so re-inserting on a hit makes its first key the least recently used;
 * twenty lines, so no dependency for it.
 */
export class RecentMemo<V> {
  private readonly values = new Map<string, V>();
  private readonly size: number;

  /** `size` 0 keeps nothing (every call computes). */
  constructor(size: number) {
    this.size = size;
  }

  get(key: string, compute: (key: string) => V): V {
    const hit = this.values.get(key);
    if (hit !== undefined) {
      this.values.delete(key);
      this.values.set(key, hit);
      return hit;
    }
    const fresh = compute(key);
    if (this.size > 0) {
      if (this.values.size >= this.size) {
        const oldest = this.values.keys().next();
        if (!oldest.done) {
          this.values.delete(oldest.value);
        }
      }
      this.values.set(key, fresh);
    }
    return fresh;
  }
}
