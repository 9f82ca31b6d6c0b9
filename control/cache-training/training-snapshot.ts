/**
 * @module
 * One tenant's learning-cache state as it is written to disk and read back: the operator's
 * labelled pairs, the feedback examples, the scorer history (newest last) and the last result.
 * Read back through the schema, so a hand-edited or torn-by-a-bug file fails loudly at start
 * instead of training on garbage.
 */
import { z } from "zod";
import { FeedbackExampleSchema } from "../../shared/cache/scorer/feedback-example.ts";
import { ScorerModelSchema } from "../../shared/cache/scorer/scorer-model.ts";

const ExampleSchema = z
  .object({
    features: z.array(z.number().finite()).min(1).max(64),
    label: z.union([z.literal(0), z.literal(1)]),
    weight: z.number().positive().finite().optional(),
  })
  .strict();

const HeldOutSchema = z.object({ pairs: z.number().int(), hitRate: z.number(), falseHitRate: z.number() }).strict();

const RetrainResultSchema = z.union([
  z
    .object({ promoted: z.literal(true), model: ScorerModelSchema, previous: z.string(), heldOut: HeldOutSchema })
    .strict(),
  z
    .object({ promoted: z.literal(false), kept: z.string(), reason: z.string(), heldOut: HeldOutSchema.optional() })
    .strict(),
]);

export const TenantTrainingSchema = z
  .object({
    format: z.literal("edgefleet.cache-training/v1"),
    tenant: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    pairs: z.array(ExampleSchema),
    feedback: z.array(FeedbackExampleSchema),
    history: z.array(ScorerModelSchema),
    feedbackTotal: z.number().int().nonnegative(),
    feedbackAtLastTrain: z.number().int().nonnegative(),
    lastResult: RetrainResultSchema.optional(),
  })
  .strict();
export type TenantTraining = z.infer<typeof TenantTrainingSchema>;
