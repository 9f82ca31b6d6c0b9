/**
 * @module
 * Which lookup goes first for a request the semantic layer may answer, once the isolate's L1 has
 * missed. Exact-first costs a Durable Object round trip before the embedder runs, and a second
 * one after it; embed-first makes one call carrying the exact key and the vector (the object
 * checks the exact key first), but an exact hit then waits for the embedder. Which is cheaper
 * depends on the traffic: this isolate counts, over a sliding minute, how many of these lookups
 * the object answered exactly, and embeds first while that share stays under `maxExactShare`
 * (default 2%: about the cost of one round trip over the cost of one embedding here). The
 * combined call still reports exact hits, so a shift back to repeated questions is seen and the
 * order flips back. Until `minSamples` lookups are seen it keeps exact-first.
 */
import { SlottedCounts } from "../../shared/slotted-counts.ts";

const LOOKUPS = 0;
const EXACT_HITS = 1;

export interface LookupOrderOptions {
  windowMs?: number;
  minSamples?: number;
  maxExactShare?: number;
  now?: () => number;
}

export class LookupOrder {
  private readonly counts: SlottedCounts;
  private readonly minSamples: number;
  private readonly maxExactShare: number;

  constructor(options: LookupOrderOptions = {}) {
    this.counts = new SlottedCounts(options.windowMs ?? 60_000, 2, options.now);
    this.minSamples = options.minSamples ?? 50;
    this.maxExactShare = options.maxExactShare ?? 0.02;
  }

  /** True: embed first and make one call with both keys. */
  embedFirst(): boolean {
    const lookups = this.counts.sum(LOOKUPS);
    return lookups >= this.minSamples && this.counts.sum(EXACT_HITS) < this.maxExactShare * lookups;
  }

  /** One L1-missed lookup of a request the semantic layer could answer, and whether it hit exactly. */
  record(exactHit: boolean): void {
    this.counts.add(LOOKUPS);
    if (exactHit) {
      this.counts.add(EXACT_HITS);
    }
  }
}
