/**
 * @module
 * Per-credential rate limiting. On `/v1/*`: one request from the key's request bucket and, for
 * text routes, an estimate of the request's tokens from its token bucket (bytes / 4, an upper
 * bound for the tokenizers used here, known before any model runs) — for chat, plus the
 * completion it may cost (`chat-limits.ts`: what it asks for, capped, or the cap). On `/admin/*`: one request
 * from a separate bucket per key (`admin:<id>`) or for the bootstrap token
 * (`admin:bootstrap-token`, the edge's default limits), so neither a tenant admin nor a leaked
 * token can flood the key store. 429 with `retry-after` and the OpenAI error body when a
 * bucket is empty. With `AUTH=off` (local development) nothing is limited. If the limiter
 * itself fails, the request passes (logged): authentication, not the limiter, keeps strangers out.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors.ts";
import type { BucketLimits } from "../auth/token-bucket.ts";
import { completionAllowance, estimateTokens } from "../chat-limits.ts";
import type { EdgeEnv } from "../env.ts";

const TEXT_ROUTES = new Set(["/v1/embeddings", "/v1/chat/completions", "/v1/predict"]);

export const rateLimit = createMiddleware<EdgeEnv>(async (c, next) => {
  const { auth } = c.get("deps");
  const bucket = bucketOf(c);
  if (!auth.rateLimiter || auth.mode === "off" || bucket === undefined) {
    await next();
    return;
  }
  const limits = await limitsOf(c);
  // The body is already capped by limitBody; Hono keeps the text for the route's own read.
  const tokens = c.req.method === "POST" && TEXT_ROUTES.has(c.req.path) ? await tokenCost(c) : 0;
  let verdict: { ok: boolean; retryAfterS: number };
  try {
    verdict = await auth.rateLimiter.take(bucket, limits, { tokens });
  } catch (error) {
    // Fail open: a limiter outage must not turn every authenticated request into an error.
    c.get("deps").log.log("warn", "rate_limit.unavailable", { request_id: c.get("requestId"), error: String(error) });
    verdict = { ok: true, retryAfterS: 0 };
  }
  if (!verdict.ok) {
    throw new ApiError(429, "rate_limit_exceeded", "This credential is over its rate limit; retry later.", {
      retryAfter: verdict.retryAfterS,
    });
  }
  await next();
});

/** The request's estimated tokens: its text, and for chat the completion it may ask the upstream for. */
async function tokenCost(c: Context<EdgeEnv>): Promise<number> {
  const text = await c.req.text();
  const limits = c.get("deps").router?.chatLimits;
  const completion = c.req.path === "/v1/chat/completions" && limits ? completionAllowance(text, limits) : 0;
  return estimateTokens(text) + completion;
}

/** The bucket this request draws from; undefined when nothing limits it. */
function bucketOf(c: Context<EdgeEnv>): string | undefined {
  const principal = c.get("principal");
  const admin = c.req.path.startsWith("/admin/");
  if (principal.keyId !== undefined) {
    return admin ? `admin:${principal.keyId}` : principal.keyId;
  }
  return admin && principal.via === "bootstrap-token" ? "admin:bootstrap-token" : undefined;
}

async function limitsOf(c: Context<EdgeEnv>): Promise<BucketLimits> {
  const { auth } = c.get("deps");
  const { keyId } = c.get("principal");
  const record = keyId === undefined ? undefined : await auth.keys.get(keyId);
  return record?.limits
    ? { requestsPerMinute: record.limits.requests_per_minute, tokensPerMinute: record.limits.tokens_per_minute }
    : auth.defaultLimits;
}
