/**
 * @module
 * `POST /v1/feedback` — `{request_id, label?, score?}`: hands the outcome to every feedback
 * sink (outcome monitoring, the learning cache). 202 with the sinks that knew the request;
 * 404 `request_not_found` when none did (unknown, expired, or another tenant's request).
 */
import { Hono } from "hono";
import { ApiError } from "../../shared/errors.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { FeedbackRequestSchema, type FeedbackResponse } from "../../shared/protocol/feedback.ts";
import type { EdgeEnv } from "../env.ts";

export const feedbackRoutes = new Hono<EdgeEnv>().post("/v1/feedback", async (c) => {
  const { feedbackSinks = [] } = c.get("deps");
  const feedback = await readJson(c, FeedbackRequestSchema);
  const event = { tenant: c.get("principal").tenant, feedback, receivedAt: Date.now() };
  const results = await Promise.all(feedbackSinks.map(async (sink) => ((await sink.accept(event)) ? sink.name : "")));
  const acceptedBy = results.filter((name) => name !== "");
  if (acceptedBy.length === 0) {
    throw new ApiError(
      404,
      "request_not_found",
      `No answer with request id ${feedback.request_id} is known here for your tenant (unknown or expired).`,
      { param: "request_id" },
    );
  }
  const body: FeedbackResponse = { request_id: feedback.request_id, accepted_by: acceptedBy };
  return c.json(body, 202);
});
