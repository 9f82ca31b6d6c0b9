/**
 * @module
 * What the edge and the origin's `LambdaInvoker` send to the Lambda origin, and what it
 * answers: one HTTP request and response as JSON (the shape of a Lambda function URL /
 * API Gateway v2 event, reduced to what the origin app needs). A streamed answer starts
 * with the response's metadata as JSON followed by 8 NUL bytes, then the body — the
 * convention Lambda function URLs use for `HttpResponseStream`.
 */
import { z } from "zod";

export const LambdaRequestSchema = z.object({
  method: z.enum(["GET", "POST"]),
  path: z.string().regex(/^\/[\w./-]{0,200}$/),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
  /** Ask for a streamed answer (only meaningful through InvokeWithResponseStream). */
  stream: z.boolean().optional(),
});
export type LambdaRequest = z.infer<typeof LambdaRequestSchema>;

export const LambdaResponseSchema = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().default(""),
  isBase64Encoded: z.boolean().default(false),
});
export type LambdaResponse = z.infer<typeof LambdaResponseSchema>;

export const StreamPreludeSchema = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).default({}),
});

/** Separates the JSON prelude from the body in a streamed answer. */
export const PRELUDE_DELIMITER = new Uint8Array(8);

/** Headers worth carrying to the origin app (hop-by-hop ones are dropped). */
export function envelopeHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!["connection", "keep-alive", "transfer-encoding", "host", "content-length"].includes(name)) {
      out[name] = value;
    }
  });
  return out;
}

/**
 * Splits a streamed Lambda answer into its prelude and body: reads until the 8-NUL
 * delimiter, then hands the rest of the bytes on untouched.
 */
export async function readStreamedResponse(
  body: ReadableStream<Uint8Array>,
  maxPrelude = 64 * 1024,
): Promise<Response> {
  const reader = body.getReader();
  let buffered = new Uint8Array(0);
  for (;;) {
    const at = indexOfDelimiter(buffered);
    if (at >= 0) {
      const prelude = StreamPreludeSchema.parse(JSON.parse(new TextDecoder().decode(buffered.subarray(0, at))));
      const rest = buffered.slice(at + PRELUDE_DELIMITER.length);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (rest.byteLength > 0) {
            controller.enqueue(rest);
          }
        },
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
          } else {
            controller.enqueue(value);
          }
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      });
      return new Response(stream, { status: prelude.statusCode, headers: prelude.headers });
    }
    if (buffered.byteLength > maxPrelude) {
      throw new Error("streamed Lambda answer has no prelude");
    }
    const { done, value } = await reader.read();
    if (done) {
      throw new Error("streamed Lambda answer ended before its prelude");
    }
    const next = new Uint8Array(buffered.byteLength + value.byteLength);
    next.set(buffered);
    next.set(value, buffered.byteLength);
    buffered = next;
  }
}

function indexOfDelimiter(bytes: Uint8Array): number {
  let run = 0;
  for (let i = 0; i < bytes.length; i++) {
    run = bytes[i] === 0 ? run + 1 : 0;
    if (run === PRELUDE_DELIMITER.length) {
      return i + 1 - PRELUDE_DELIMITER.length;
    }
  }
  return -1;
}

/** The HTTP response a buffered Lambda answer (`Invoke` payload) stands for. */
export function responseFromPayload(payload: Uint8Array): Response {
  const parsed = LambdaResponseSchema.parse(JSON.parse(new TextDecoder().decode(payload)));
  const body = parsed.isBase64Encoded ? Uint8Array.from(atob(parsed.body), (ch) => ch.charCodeAt(0)) : parsed.body;
  return new Response(body, { status: parsed.statusCode, headers: parsed.headers });
}

/** Marks a response that stands for a Lambda API failure rather than the function's own answer. */
export const LAMBDA_ERROR_HEADER = "x-edgefleet-lambda-error";

/** The error answer an edge or origin gives when a Lambda invocation failed (never executed, throttled, …). */
export function lambdaFailure(status: number, code: string, retryAfter?: number): Response {
  const headers: Record<string, string> = { "content-type": "application/json", [LAMBDA_ERROR_HEADER]: code };
  if (retryAfter !== undefined) {
    headers["retry-after"] = String(retryAfter);
  }
  const body = {
    error: { message: `Lambda origin: ${code}`, type: "server_error", param: null, code: "upstream_unavailable" },
  };
  return new Response(JSON.stringify(body), { status, headers });
}
