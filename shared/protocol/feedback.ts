/**
 * @module
 * `POST /v1/feedback`: an outcome for an earlier answer, named by its `x-request-id`. Drift and
 * A/B monitoring read it as accuracy per model version; the semantic cache reads it as a
 * verdict on a semantic hit (hard negatives and confirmed positives for its pair scorer).
 */
import { z } from "zod";

export const FeedbackRequestSchema = z
  .object({
    request_id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "a request id as sent in x-request-id"),
    /** A verdict on the answer (`true`/`false`, "correct"/"wrong"); any other label carries no verdict. */
    label: z.union([z.string().min(1).max(200), z.boolean(), z.number().finite()]).optional(),
    /** A graded outcome, 0 (bad) … 1 (good). */
    score: z.number().min(0).max(1).optional(),
    /** Free text for the operator; never used for scoring. */
    comment: z.string().max(2000).optional(),
  })
  .strict()
  .refine((f) => f.label !== undefined || f.score !== undefined, { message: "give a label, a score or both" });
export type FeedbackRequest = z.infer<typeof FeedbackRequestSchema>;

const GOOD_WORDS = new Set(["good", "correct", "right", "positive", "yes", "true"]);
const BAD_WORDS = new Set(["bad", "wrong", "incorrect", "negative", "no", "false"]);

/**
 * The verdict a feedback carries about the answer itself, when it carries one: a score splits
 * at 0.5; a boolean or a verdict word is read as such. Any other label (a class name, a number)
 * is not a verdict, so it gives `undefined`.
 */
export function verdictOf(feedback: FeedbackRequest): "good" | "bad" | undefined {
  if (feedback.score !== undefined) {
    return feedback.score >= 0.5 ? "good" : "bad";
  }
  if (typeof feedback.label === "boolean") {
    return feedback.label ? "good" : "bad";
  }
  if (typeof feedback.label === "string") {
    const word = feedback.label.trim().toLowerCase();
    if (GOOD_WORDS.has(word)) {
      return "good";
    }
    if (BAD_WORDS.has(word)) {
      return "bad";
    }
  }
  return undefined;
}

export interface FeedbackResponse {
  request_id: string;
  /** Which consumers knew the request id (e.g. `outcomes`, `cache`). */
  accepted_by: string[];
}
