/**
 * @module
 * A verdict on one semantic hit, as the edge's cache feedback sink ships it to the control plane
 * for the tenant's next training: the pair's texts, its features (as the scorer saw them), the
 * label (0: the hit was wrong, a hard negative; 1: confirmed) and the pair's hash for the deny list.
 */
import { z } from "zod";

export const FeedbackExampleSchema = z
  .object({
    features: z.array(z.number().finite()).min(1).max(64),
    label: z.union([z.literal(0), z.literal(1)]),
    pair: z.string().regex(/^[0-9a-f]{16}$/),
    cached: z.string().min(1).max(8192),
    incoming: z.string().min(1).max(8192),
    at: z.number().int().nonnegative(),
  })
  .strict();
export type FeedbackExample = z.infer<typeof FeedbackExampleSchema>;
