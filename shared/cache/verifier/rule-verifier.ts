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
import { RecentMemo } from "../recent-memo.ts";

export interface RuleVerifierOptions {
  /** Analyses kept for reuse (default 512); 0 turns the memo off. */
  readonly memo?: number;
}

export class RuleVerifier implements PairVerifier {
  readonly name = "rules-v1";
  private readonly memo: RecentMemo<TextAnalysis>;

  constructor(options: RuleVerifierOptions = {}) {
    this.memo = new RecentMemo(options.memo ?? 512);
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
    return this.memo.get(text, analyse);
  }
}
