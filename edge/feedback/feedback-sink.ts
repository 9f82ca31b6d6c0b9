/**
 * @module
 * Who consumes feedback at the edge. Each sink looks the request id up in what it recorded
 * when it answered (within the caller's tenant only) and says whether it knew it; the route
 * answers 404 when no sink did.
 */
import type { FeedbackRequest } from "../../shared/protocol/feedback.ts";

export interface FeedbackEvent {
  /** The authenticated caller's tenant: feedback never reaches another tenant's records. */
  tenant: string;
  feedback: FeedbackRequest;
  /** When the edge received it, ms since the epoch. */
  receivedAt: number;
}

export interface FeedbackSink {
  /** Short name reported in `accepted_by` (`outcomes`, `cache`, …). */
  readonly name: string;
  /** `true` when this sink knew the request id and took the feedback. */
  accept(event: FeedbackEvent): Promise<boolean>;
}
