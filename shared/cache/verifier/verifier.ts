/**
 * @module
 * The contract of a semantic-cache verifier: the second, independent check after a similarity
 * match. Embeddings put "enable two-factor login" and "disable two-factor login" side by side;
 * a verifier reads both texts and says whether they ask the same thing. The rule-based verifier
 * (`rule-verifier.ts`) is the default; a cross-encoder or NLI model published to the registry can
 * implement the same interface per tenant or per model.
 */

/**
 * Why a candidate was rejected. Stable codes: they go into `x-edgefleet-cache-rejected` and metric
 * labels, and tests assert them. Add codes; never rename or reuse one.
 */
export const REJECT_REASONS = [
  /** One text negates what the other asserts ("is playing" / "is not playing", "with" / "without"). */
  "negation",
  /** Different quantities ("under $300" / "under $500", "3 tickets" / "4 tickets"). */
  "number",
  /** Same quantity, other unit or currency ("5 km" / "5 miles", "$20" / "€20"). */
  "unit",
  /** Different dates or times ("in March" / "in May", "tomorrow" / "today", "2019" / "2020"). */
  "date",
  /** Opposite direction of a comparison or a swap of roles ("over" / "under", "from A to B" / "from B to A"). */
  "direction",
  /** Opposite words ("enable" / "disable", "install" / "uninstall", "buy" / "sell"). */
  "antonym",
  /** Different named things ("Paris" / "London", "AWS" / "GCP"). */
  "entity",
  /** Different quantifiers ("all" / "some", "every" / "any"). */
  "quantifier",
  /** A model verifier judged the pair not equivalent (no finer reason). */
  "model",
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export type VerifierVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail?: string };

export interface PairVerifier {
  /** Stable name for logs and per-tenant configuration, e.g. `rules-v1`. */
  readonly name: string;
  /**
   * `cached`: the request text stored with the candidate entry; `incoming`: the new request's text.
   * The rule verifier answers synchronously (its class narrows the type); a model verifier runs
   * inference and answers with a promise, so callers of the interface `await` the result.
   */
  verify(cached: string, incoming: string): VerifierVerdict | Promise<VerifierVerdict>;
}

export const ACCEPT: VerifierVerdict = Object.freeze({ ok: true });
