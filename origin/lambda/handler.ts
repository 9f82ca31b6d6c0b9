/**
 * @module
 * The AWS Lambda handlers of the serverless origin, on the same inference core as the origin
 * server: each invocation is one HTTP request (the envelope of `shared/protocol/lambda-envelope.ts`)
 * handed to the origin app. `handle` answers buffered (`Invoke`); `handleStream` writes the
 * answer to Lambda's response stream (`InvokeWithResponseStream`) as a JSON prelude, 8 NUL
 * bytes, then the body — the framing of `awslambda.HttpResponseStream`.
 */
import type { Hono } from "hono";
import { ApiError, errorResponse } from "../../shared/errors.ts";
import {
  type LambdaRequest,
  LambdaRequestSchema,
  type LambdaResponse,
  PRELUDE_DELIMITER,
} from "../../shared/protocol/lambda-envelope.ts";
import type { OriginEnv } from "../deps.ts";

/** The part of Lambda's response stream (a Node Writable) the handler uses. */
export interface ResponseStreamLike {
  write(chunk: Uint8Array): unknown;
  end(): unknown;
}

export interface LambdaHandlers {
  handle(event: unknown): Promise<LambdaResponse>;
  handleStream(event: unknown, responseStream: ResponseStreamLike): Promise<void>;
}

/** `getApp` is called per invocation; the Lambda entry builds the app once, on the first (cold) one. */
export function createLambdaHandlers(getApp: () => Promise<Hono<OriginEnv>> | Hono<OriginEnv>): LambdaHandlers {
  const dispatch = async (event: unknown): Promise<Response> => {
    const parsed = LambdaRequestSchema.safeParse(event);
    if (!parsed.success) {
      return errorResponse(
        new ApiError(400, "invalid_invocation", "The invocation payload is not an edgefleet request envelope."),
      );
    }
    return (await getApp()).fetch(toRequest(parsed.data));
  };
  return {
    async handle(event) {
      const res = await dispatch(event);
      return { statusCode: res.status, headers: headersOf(res), body: await res.text(), isBase64Encoded: false };
    },
    async handleStream(event, responseStream) {
      const res = await dispatch(event);
      const prelude = new TextEncoder().encode(JSON.stringify({ statusCode: res.status, headers: headersOf(res) }));
      responseStream.write(prelude);
      responseStream.write(PRELUDE_DELIMITER);
      if (res.body) {
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            break;
          }
          responseStream.write(value);
        }
      }
      responseStream.end();
    },
  };
}

function toRequest(envelope: LambdaRequest): Request {
  return new Request(`http://lambda.invalid${envelope.path}`, {
    method: envelope.method,
    headers: envelope.headers,
    ...(envelope.method === "POST" ? { body: envelope.body ?? "" } : {}),
  });
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
