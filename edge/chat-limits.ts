/**
 * @module
 * The edge's token limits on chat. No generative model runs at the edge, so it cannot count an
 * answer's tokens; it bounds what a request may ask for instead, before anything is forwarded:
 * `max_tokens` / `max_completion_tokens` up to the origin table's `chat.max_tokens` (400
 * `max_tokens_too_large`), a prompt up to `chat.max_prompt_tokens` (400
 * `context_length_exceeded`), and the rate limiter charges the tenant's token bucket the
 * prompt's estimate plus the completion the request may cost (the cap when it names none).
 */
import { ApiError } from "../shared/errors.ts";
import { DEFAULT_JSON_LIMITS, parseJsonWithin } from "../shared/http/json-shape.ts";
import type { ChatRequest } from "../shared/protocol/chat.ts";
import type { OriginTable } from "./router/origin-table.ts";

export type ChatLimits = OriginTable["chat"];

/** The rate limiter's estimate of a text's tokens (bytes / 4, known before any model runs). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Throws 400 when the request asks for more completion tokens, or sends a longer prompt, than the edge allows. */
export function checkChatLimits(body: ChatRequest, raw: string, limits: ChatLimits): void {
  for (const param of ["max_tokens", "max_completion_tokens"] as const) {
    const asked = body[param];
    if (asked !== undefined && asked > limits.max_tokens) {
      throw new ApiError(
        400,
        "max_tokens_too_large",
        `${param} is ${asked}; this network allows at most ${limits.max_tokens} completion tokens per request.`,
        { param },
      );
    }
  }
  const prompt = estimateTokens(raw);
  if (prompt > limits.max_prompt_tokens) {
    throw new ApiError(
      400,
      "context_length_exceeded",
      `The request is about ${prompt} tokens; this network accepts at most ${limits.max_prompt_tokens}.`,
      { param: "messages" },
    );
  }
}

/**
 * Completion tokens a chat request may cost, for the token bucket: what it asks for, capped, or
 * the cap when it asks for nothing (the upstream may write that much). A body that is not JSON,
 * or is past the JSON shape limits, is charged the cap too; the route answers it 400 anyway. The
 * parse goes through the same bounded reader as the route, so a hostile body is refused by the
 * one-pass shape check here too instead of costing a full `JSON.parse` before the route sees it.
 */
export function completionAllowance(raw: string, limits: ChatLimits): number {
  let asked: unknown;
  try {
    const parsed = parseJsonWithin(raw, DEFAULT_JSON_LIMITS);
    if (typeof parsed === "object" && parsed !== null) {
      const fields = parsed as { max_tokens?: unknown; max_completion_tokens?: unknown };
      asked = fields.max_completion_tokens ?? fields.max_tokens;
    }
  } catch {
    asked = undefined;
  }
  return typeof asked === "number" && Number.isFinite(asked) && asked > 0
    ? Math.min(Math.ceil(asked), limits.max_tokens)
    : limits.max_tokens;
}
