/**
 * @module
 * The default verifier: language rules over the two texts (negation and its scope, numbers,
 * units, dates, comparison direction and role swaps, antonyms, named entities, quantifiers).
 * Pure code, microseconds a pair, the same in workerd, Node and browsers. Analyses of recent texts
 * are kept in a small LRU, since a cached request is compared again and again.
 */
import { analyse, type TextAnalysis } from "./analyse.ts";
import { comparePair, type PairComparison } from "./compare.ts";
import { ACCEPT, type PairVerifier, type VerifierVerdict } from "./verifier.ts";

export interface RuleVerifierOptions {
  /** Analyses kept for reuse (default 512); 0 turns the memo off. */
  readonly memo?: number;
}

export class RuleVerifier implements PairVerifier {
  readonly name = "rules-v1";
  private readonly memo = new Map<string, TextAnalysis>();
  private readonly memoSize: number;

  constructor(options: RuleVerifierOptions = {}) {
    this.memoSize = options.memo ?? 512;
  }

  verify(cached: string, incoming: string): VerifierVerdict {
    const [finding] = this.compare(cached, incoming).findings;
    return finding === undefined ? ACCEPT : { ok: false, reason: finding.reason, detail: finding.detail };
  }

  /** Features and findings of a pair, for a pair scorer or for explaining a verdict. */
  compare(cached: string, incoming: string): PairComparison {
    return comparePair(this.analysis(cached), this.analysis(incoming));
  }

  analysis(text: string): TextAnalysis {
    const hit = this.memo.get(text);
    if (hit !== undefined) {
      // Re-insert: Map keeps insertion order, so the first key is the least recently used.
      this.memo.delete(text);
      this.memo.set(text, hit);
      return hit;
    }
    const fresh = analyse(text);
    if (this.memoSize > 0) {
      if (this.memo.size >= this.memoSize) {
        const oldest = this.memo.keys().next();
        if (!oldest.done) {
          this.memo.delete(oldest.value);
        }
      }
      this.memo.set(text, fresh);
    }
    return fresh;
  }
}
