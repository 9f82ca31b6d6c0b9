/**
 * @module
 * `POST /v1/chat/completions` at the edge: no generative model runs in a Worker, so chat goes
 * to origins (which serve it from OpenAI-compatible inference servers). Streams come back
 * guarded: a cut, stall or malformed chunk ends with an SSE error event, never `[DONE]`.
 * Answers are cached when the origin table declares the model's version: the partition holds
 * the system prompt and every parameter, and a single-turn question may be answered by a
 * stored paraphrase (semantic layer).
 */
import { Hono } from "hono";
import { type ChatRequest, ChatRequestSchema } from "../../shared/protocol/chat.ts";
import { markBypass, withCache } from "../cache/with-cache.ts";
import type { EdgeEnv } from "../env.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { modelNotFound, mayRouteToOrigins } from "../model-lookup.ts";
import { checkChatLimits } from "../chat-limits.ts";
import { forwardToOrigins, originResponse } from "../router/forward.ts";

export const chatRoutes = new Hono<EdgeEnv>().post("/v1/chat/completions", async (c) => {
  const { router, catalog } = c.get("deps");
  const body = await readJson(c, ChatRequestSchema);
  // Unknown and private-to-another-tenant answer the same 404 (model-lookup.ts).
  if (!router || !(await mayRouteToOrigins(router, catalog, body.model, c.get("principal")))) {
    throw modelNotFound(body.model);
  }
  // The body goes on as the client sent it: the schema only checks (no defaults, no stripping),
  // so re-serialising would cost CPU and change nothing an upstream parser sees (Hono keeps the text).
  const raw = await c.req.text();
  checkChatLimits(body, raw, router.chatLimits);
  const produce = async () =>
    originResponse(
      await forwardToOrigins(c, router, {
        path: "/v1/chat/completions",
        model: body.model,
        body: raw,
        stream: body.stream === true,
      }),
    );
  const version = router.versionOf(body.model);
  if (version === undefined) {
    return markBypass(await produce());
  }
  const { fields, question } = splitQuestion(body);
  const { user: _user, ...request } = body;
  return withCache(
    c,
    {
      route: "/v1/chat/completions",
      model: body.model,
      modelVersion: `origin:${version}`,
      fields,
      request,
      ...(question === undefined ? {} : { semanticQuery: question }),
    },
    produce,
  );
});

/**
 * Everything but the question goes into the partition: system and developer messages, tools,
 * every generation parameter, and whether the answer streams. Only a conversation of exactly
 * one user turn has a question that may be matched by meaning; in a longer one the earlier
 * turns are context that a paraphrase match would ignore.
 */
function splitQuestion(body: ChatRequest): { fields: unknown; question?: string } {
  const { messages, user: _user, stream_options: _options, ...params } = body;
  const instructions = messages.filter((m) => m.role === "system" || m.role === "developer");
  const turns = messages.filter((m) => m.role !== "system" && m.role !== "developer");
  const fields = { ...params, stream: body.stream === true, instructions };
  const only = turns.length === 1 ? turns[0] : undefined;
  const text = only?.role === "user" ? textOf(only.content) : undefined;
  return text === undefined ? { fields } : { fields, question: text };
}

function textOf(content: unknown): string | undefined {
  if (typeof content === "string") {
    return content;
  }
  if (
    Array.isArray(content) &&
    content.every((p) => typeof p === "object" && p !== null && (p as { type?: unknown }).type === "text")
  ) {
    return content.map((p) => String((p as { text?: unknown }).text ?? "")).join("\n");
  }
  // Images or audio in the question: no semantic match.
  return undefined;
}
