/**
 * @module
 * Per-key rate limiting on `/v1/*`: one request from the key's request bucket and, for text
 * routes, an estimate of the request's tokens from its token bucket (bytes / 4, an upper
 * bound for the tokenizers used here, known before any model runs). 429 with `retry-after`
 * and the OpenAI error body when either bucket is empty. If the limiter itself fails, the
 * request passes (logged): authentication, not the limiter, is what keeps strangers out.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors.ts";
import type { EdgeEnv } from "../env.ts";

const TEXT_ROUTES = new Set(["/v1/embeddings", "/v1/chat/completions", "/v1/predict"]);

export const rateLimit = createMiddleware<EdgeEnv>(async (c, next) => {
  const { auth } = c.get("deps");
  const principal = c.get("principal");
  if (!auth.rateLimiter || principal.keyId === undefined) {
    await next();
    return;
  }
  const record = await auth.keys.get(principal.keyId);
  const limits = record?.limits
    ? { requestsPerMinute: record.limits.requests_per_minute, tokensPerMinute: record.limits.tokens_per_minute }
    : auth.defaultLimits;
  // The body is already capped by limitBody; Hono keeps the text for the route's own read.
  const tokens =
    c.req.method === "POST" && TEXT_ROUTES.has(c.req.path) ? Math.ceil((await c.req.text()).length / 4) : 0;
  let verdict: { ok: boolean; retryAfterS: number };
  try {
    verdict = await auth.rateLimiter.take(principal.keyId, limits, { tokens });
  } catch (error) {
    // Fail open: a limiter outage must not turn every authenticated request into an error.
    c.get("deps").log.log("warn", "rate_limit.unavailable", { request_id: c.get("requestId"), error: String(error) });
    verdict = { ok: true, retryAfterS: 0 };
  }
  if (!verdict.ok) {
    throw new ApiError(429, "rate_limit_exceeded", "This API key is over its rate limit; retry later.", {
      retryAfter: verdict.retryAfterS,
    });
  }
  await next();
});
