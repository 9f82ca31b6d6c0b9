/**
 * Synthetic operator pairs for the learning-cache tests: support questions that are the same
 * request in other words (should hit) or another request (must not), with cosines drawn so the
 * cosine alone separates them poorly and the pair's words separate them well.
 */
import { seededRandom } from "./synthetic-vectors.ts";
import { scorerFeatures } from "../../shared/cache/scorer/scorer-features.ts";
import type { Example } from "../../shared/cache/scorer/train-logistic.ts";
import { RuleVerifier } from "../../shared/cache/verifier/rule-verifier.ts";

const verifier = new RuleVerifier();
const SUBJECTS = [
  "password",
  "invoice",
  "account",
  "order",
  "subscription",
  "profile",
  "card",
  "address",
  "plan",
  "team",
];
const VERBS = ["reset", "change", "update", "cancel", "download", "view", "delete", "renew", "share", "export"];

/** Operator pairs: paraphrases (same verb and subject, other wording) and different requests. */
export function operatorPairs(seed: number): Example[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const out: Example[] = [];
  for (let i = 0; i < 900; i++) {
    const verb = pick(VERBS);
    const subject = pick(SUBJECTS);
    const a = `How do I ${verb} my ${subject}?`;
    const same = i % 3 === 0;
    const b = same ? `How can I ${verb} my ${subject}?` : `How do I ${pick(VERBS)} my ${pick(SUBJECTS)} today?`;
    const cosine = same ? 0.9 + 0.1 * r() : 0.7 + 0.28 * r();
    out.push({ features: scorerFeatures(cosine, a, b, verifier.compare(a, b)), label: same ? 1 : 0 });
  }
  return out;
}
