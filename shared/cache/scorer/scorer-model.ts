/**
 * @module
 * The pair scorer as data: a logistic model over `SCORER_FEATURES` (standardised inputs,
 * weights, bias), the score threshold calibrated for a false-hit budget, the cosine floor below
 * which no candidate is scored, whether a rule-verifier rejection vetoes regardless of the
 * score, and the pairs an operator's feedback marked wrong (denied outright). It is small JSON:
 * versioned by the hash of its content, which is part of the cache partition key.
 *
 * The default that ships (`DEFAULT_SCORER`) is untuned: cosine ≥ the cache threshold, then the
 * verifier — the cache's behaviour before scorers existed. It is trained on nothing.
 */
import { z } from "zod";
import { SCORER_FEATURES } from "./scorer-features.ts";

export const SCORER_FORMAT = "edgefleet.cache-scorer/v1" as const;

const finite = z.number().finite();

export const CalibrationSchema = z.object({
  /** The false-hit budget the threshold was chosen for. */
  target_false_hits: z.number().min(0).max(1),
  /** Held-out folds the threshold was calibrated on. */
  folds: z.number().int().min(2),
  /** Held-out false-hit rate at the threshold, and its one-sided 95 % upper bound (Wilson). */
  false_hit_rate: z.number().min(0).max(1),
  false_hit_upper: z.number().min(0).max(1),
  /** Held-out hit rate on the positives, with its 95 % interval (Wilson). */
  hit_rate: z.number().min(0).max(1),
  hit_rate_interval: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]),
  positives: z.number().int().nonnegative(),
  negatives: z.number().int().nonnegative(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export const ScorerModelSchema = z
  .object({
    format: z.literal(SCORER_FORMAT),
    /** `default-v1` for the untuned default; otherwise `sha256:<first 16 hex of the content hash>`. */
    version: z.string().regex(/^[a-z0-9:._-]{1,80}$/),
    /** The tenant whose traffic trained it; a scorer is only ever applied to that tenant. Absent: the untuned default. */
    tenant: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/)
      .optional(),
    features: z.array(z.string()).max(64),
    mean: z.array(finite).max(64),
    scale: z.array(finite.positive()).max(64),
    weights: z.array(finite).max(64),
    bias: finite,
    /** Accept when the model's probability is ≥ this. */
    threshold: z.number().min(0).max(1),
    /** Candidates below this cosine are never scored (the index's search floor). */
    candidate_floor: z.number().min(-1).max(1),
    /** A rule-verifier rejection refuses the candidate whatever the score. */
    veto: z.boolean(),
    /** Pair hashes (`pairHash`) that feedback marked wrong: never a hit. */
    deny: z.array(z.string().regex(/^[0-9a-f]{16}$/)).max(10_000),
    calibration: CalibrationSchema.optional(),
    trained_at: z.string().max(40).optional(),
  })
  .strict()
  .refine((m) => m.mean.length === m.features.length && m.scale.length === m.features.length, {
    message: "mean and scale have one entry per feature",
  })
  .refine((m) => m.weights.length === m.features.length, { message: "one weight per feature" })
  .refine((m) => m.features.every((f, i) => f === SCORER_FEATURES[i]), {
    message: `features must be a prefix of ${SCORER_FEATURES.join(",")} in that order`,
  });
export type ScorerModel = z.infer<typeof ScorerModelSchema>;

/**
 * The untuned default: the probability is a step at the cache's cosine threshold (a steep
 * logistic on the cosine alone), then the verifier's veto. Built for a threshold so an
 * operator's `CACHE_THRESHOLD` keeps its meaning.
 */
export function defaultScorer(cosineThreshold: number): ScorerModel {
  // sigmoid(1000 · (cosine − t)) ≥ 0.5 ⇔ cosine ≥ t: the cosine decides, as before.
  return {
    format: SCORER_FORMAT,
    version: "default-v1",
    features: ["cosine"],
    mean: [0],
    scale: [1],
    weights: [1000],
    bias: -1000 * cosineThreshold,
    threshold: 0.5,
    candidate_floor: cosineThreshold,
    veto: true,
    deny: [],
  };
}
