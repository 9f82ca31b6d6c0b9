import { describe, expect, it } from "vitest";
import { FeedbackRequestSchema, verdictOf } from "../../../shared/protocol/feedback.ts";

const v = (body: object) => verdictOf(FeedbackRequestSchema.parse({ request_id: "r", ...body }));

describe("feedback body", () => {
  it("needs a request id and a label or a score", () => {
    expect(FeedbackRequestSchema.safeParse({ request_id: "r-1" }).success).toBe(false);
    expect(FeedbackRequestSchema.safeParse({ label: "cat" }).success).toBe(false);
    expect(FeedbackRequestSchema.safeParse({ request_id: "has space", score: 1 }).success).toBe(false);
    expect(FeedbackRequestSchema.safeParse({ request_id: "r-1", score: 1.5 }).success).toBe(false);
    expect(FeedbackRequestSchema.safeParse({ request_id: "r-1", score: 0.2, extra: 1 }).success).toBe(false);
    expect(FeedbackRequestSchema.parse({ request_id: "r-1", label: "cat" })).toEqual({
      request_id: "r-1",
      label: "cat",
    });
  });

  it("reads a verdict from a score, a boolean or a verdict word, not from a class label", () => {
    expect(v({ score: 0.9 })).toBe("good");
    expect(v({ score: 0.1 })).toBe("bad");
    expect(v({ label: false })).toBe("bad");
    expect(v({ label: " Wrong " })).toBe("bad");
    expect(v({ label: "correct" })).toBe("good");
    expect(v({ label: "positive_review" })).toBeUndefined();
    expect(v({ label: 3 })).toBeUndefined();
    // A score is the more precise outcome: it wins over a label.
    expect(v({ label: "good", score: 0 })).toBe("bad");
  });
});
