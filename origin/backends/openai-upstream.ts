/**
 * @module
 * An OpenAI-compatible upstream inference server (vLLM, TGI's Messages API, llama.cpp
 * server, Ollama's `/v1`) as a backend. Chat completions are forwarded with every field the
 * client sent; the upstream's model name can differ from the one clients use. Streams pass
 * through the SSE guard, so an upstream that cuts, stalls or sends garbage mid-stream ends
 * the client's stream with an error event, never a clean-looking close.
 */
import { z } from "zod";
import { ApiError, type ErrorStatus } from "../../shared/errors.ts";
import type { ChatRequest } from "../../shared/protocol/chat.ts";
import { REQUEST_ID_HEADER } from "../../shared/protocol/headers.ts";
import { guardSseStream, type StreamOutcome } from "../../shared/protocol/sse-guard.ts";
import type { Backend, CallContext, ModelEntry } from "./backend.ts";

export const UpstreamConfigSchema = z.object({
  name: z.string().regex(/^[\w.-]{1,64}$/),
  /** Base URL including `/v1`, e.g. `http://10.0.0.5:8000/v1`. */
  base_url: z.url(),
  api_key: z.string().optional(),
  /** Client-facing model id → the upstream's own model name. */
  models: z.record(z.string(), z.string()),
  /** Models private to tenants (by the id clients use); any other tenant gets the 404 of an unknown model. */
  private_to: z
    .record(
      z.string(),
      z
        .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/))
        .min(1)
        .max(100),
    )
    .default({}),
  /** Longest wait for the upstream's response headers. */
  ttfb_timeout_ms: z.number().int().positive().default(30_000),
  /** Longest silence inside a stream. */
  stall_ms: z.number().int().positive().default(10_000),
});
export type UpstreamConfig = z.infer<typeof UpstreamConfigSchema>;

const UpstreamErrorSchema = z.object({ error: z.looseObject({ message: z.string().optional(), code: z.unknown() }) });

export class OpenAIUpstreamBackend implements Backend {
  readonly name: string;
  private readonly c: UpstreamConfig;
  private readonly onStreamEnd: (outcome: StreamOutcome) => void;
  private probed = false;

  constructor(config: UpstreamConfig, onStreamEnd: (outcome: StreamOutcome) => void = () => undefined) {
    this.c = config;
    this.name = `upstream:${config.name}`;
    this.onStreamEnd = onStreamEnd;
  }

  async models(): Promise<ModelEntry[]> {
    return Object.keys(this.c.models).map((id) => {
      const owners = Object.hasOwn(this.c.private_to, id) ? this.c.private_to[id] : undefined;
      return {
        id,
        version: "upstream",
        task: "text-generation",
        backend: this.name,
        ...(owners ? { private_to: owners } : {}),
      };
    });
  }

  /** Ready once the upstream has answered its model list: it is up and reachable. */
  async prepare(): Promise<void> {
    const res = await fetch(`${this.c.base_url}/models`, {
      headers: this.authHeaders(),
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    if (!res.ok) {
      throw new Error(`upstream ${this.c.name} answered ${res.status} to GET /models`);
    }
    this.probed = true;
  }

  ready(): boolean {
    return this.probed;
  }

  async chat(request: ChatRequest, ctx: CallContext): Promise<Response> {
    const upstreamModel = this.c.models[request.model];
    if (upstreamModel === undefined) {
      throw new ApiError(
        404,
        "model_not_found",
        `The model '${request.model.slice(0, 200)}' does not exist on this origin.`,
        {
          param: "model",
        },
      );
    }
    let res: Response;
    try {
      res = await fetch(`${this.c.base_url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", [REQUEST_ID_HEADER]: ctx.requestId, ...this.authHeaders() },
        body: JSON.stringify({ ...request, model: upstreamModel }),
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(this.c.ttfb_timeout_ms)]),
      });
    } catch (error) {
      if (ctx.signal.aborted) {
        throw new ApiError(504, "deadline_exceeded", "The request's deadline passed before the upstream answered.");
      }
      throw new ApiError(502, "upstream_unavailable", `The upstream ${this.c.name} could not be reached.`, {
        cause: error,
      });
    }
    if (!res.ok) {
      throw await upstreamError(res, this.c.name);
    }
    const headers = new Headers({ "content-type": res.headers.get("content-type") ?? "application/json" });
    if (request.stream === true) {
      if (!res.body) {
        throw new ApiError(502, "upstream_error", `The upstream ${this.c.name} sent an empty stream.`);
      }
      headers.set("content-type", "text/event-stream");
      headers.set("cache-control", "no-cache");
      return new Response(guardSseStream(res.body, { stallMs: this.c.stall_ms, onEnd: this.onStreamEnd }), {
        status: 200,
        headers,
      });
    }
    return new Response(await res.text(), { status: 200, headers });
  }

  private authHeaders(): Record<string, string> {
    return this.c.api_key ? { authorization: `Bearer ${this.c.api_key}` } : {};
  }
}

/** Maps an upstream failure to our error: the client's own mistakes keep their status, the rest are 502/429. */
async function upstreamError(res: Response, name: string): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let code: string | undefined;
  let message: string | undefined;
  try {
    const parsed = UpstreamErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      code = typeof parsed.data.error.code === "string" ? parsed.data.error.code : undefined;
      message = parsed.data.error.message;
    }
  } catch {
    // Not JSON: keep the generic message.
  }
  const passthrough: ErrorStatus[] = [400, 404, 413, 422];
  if ((passthrough as number[]).includes(res.status)) {
    return new ApiError(
      res.status as ErrorStatus,
      code ?? "upstream_rejected",
      message ?? `The upstream ${name} refused the request.`,
    );
  }
  if (res.status === 429) {
    const retryAfter = Number(res.headers.get("retry-after") ?? "1");
    return new ApiError(429, "upstream_rate_limited", `The upstream ${name} is rate limiting.`, {
      retryAfter: Number.isFinite(retryAfter) ? retryAfter : 1,
    });
  }
  // 401/403 from an upstream is this origin's misconfiguration, not the client's: a server error.
  return new ApiError(502, "upstream_error", `The upstream ${name} failed with ${res.status}.`);
}
