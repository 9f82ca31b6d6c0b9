/**
 * @module
 * `POST /v1/chat/completions` at the edge: no generative model runs in a Worker, so chat goes
 * to origins (which serve it from OpenAI-compatible inference servers). Streams come back
 * guarded: a cut, stall or malformed chunk ends with an SSE error event, never `[DONE]`.
 */
import { Hono } from "hono";
import { ApiError } from "../../shared/errors.ts";
import { ChatRequestSchema } from "../../shared/protocol/chat.ts";
import type { EdgeEnv } from "../env.ts";
import { readJson } from "../middleware/json-body.ts";
import { forwardToOrigins, originResponse } from "../router/forward.ts";

export const chatRoutes = new Hono<EdgeEnv>().post("/v1/chat/completions", async (c) => {
  const { router } = c.get("deps");
  const body = await readJson(c, ChatRequestSchema);
  if (!router?.serves(body.model)) {
    throw new ApiError(
      404,
      "model_not_found",
      `The model '${body.model.slice(0, 200)}' does not exist on this network.`,
      {
        param: "model",
      },
    );
  }
  const routed = await forwardToOrigins(c, router, {
    path: "/v1/chat/completions",
    model: body.model,
    body: JSON.stringify(body),
    stream: body.stream === true,
  });
  return originResponse(routed);
});
