/**
 * @module
 * The Lambda origin from the Worker: the Lambda Invoke API over fetch, signed with SigV4 by
 * aws4fetch (built for Workers; the AWS SDK needs Node built-ins and this Worker runs without
 * nodejs_compat). `Invoke` for buffered answers, `InvokeWithResponseStream` for streams
 * (event-stream frames decoded here). API failures become HTTP responses the router already
 * understands: throttling (`TooManyRequestsException` — the function did not run) is a 429
 * with the throttle's retry-after; a crashed function or an API error is a 502.
 */
import { AwsClient } from "aws4fetch";
import { eventStreamDecoder } from "../../shared/aws/event-stream.ts";
import {
  lambdaFailure,
  type LambdaRequest,
  readStreamedResponse,
  responseFromPayload,
} from "../../shared/protocol/lambda-envelope.ts";
import type { OriginEntry } from "./origin-table.ts";
import type { OriginTransport } from "./transport.ts";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function lambdaTransport(credentials: AwsCredentials): OriginTransport {
  const clients = new Map<string, AwsClient>();
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      // retries: 0 — the router is the only retry loop (aws4fetch would otherwise retry 429/5xx itself).
      client = new AwsClient({ ...credentials, service: "lambda", region, retries: 0 });
      clients.set(region, client);
    }
    return client;
  };
  return {
    async send(origin, call, signal) {
      const envelope: LambdaRequest = {
        method: "POST",
        path: call.path,
        headers: call.headers,
        body: call.body,
        stream: call.stream,
      };
      const res = await clientFor(origin.aws_region ?? "us-east-1").fetch(invokeUrl(origin, call.stream), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(envelope),
        signal,
      });
      if (res.status !== 200) {
        return apiFailure(res);
      }
      if (res.headers.has("x-amz-function-error")) {
        await res.body?.cancel();
        return lambdaFailure(502, "function_error");
      }
      if (!call.stream) {
        return responseFromPayload(new Uint8Array(await res.arrayBuffer()));
      }
      if (!res.body) {
        return lambdaFailure(502, "empty_stream");
      }
      return readStreamedResponse(payloadStream(res.body));
    },
  };
}

function invokeUrl(origin: OriginEntry, stream: boolean): string {
  const fn = encodeURIComponent(origin.function_name ?? "");
  const base = origin.endpoint.replace(/\/$/, "");
  return stream
    ? `${base}/2021-11-15/functions/${fn}/response-streaming-invocations`
    : `${base}/2015-03-31/functions/${fn}/invocations`;
}

/** The function's bytes from the event stream; an `InvokeComplete` with an error code fails the stream. */
function payloadStream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return body.pipeThrough(eventStreamDecoder()).pipeThrough(
    new TransformStream({
      transform(message, controller) {
        const type = message.headers[":event-type"];
        if (message.headers[":message-type"] === "exception") {
          throw new Error(`Lambda stream exception ${message.headers[":exception-type"] ?? ""}`);
        }
        if (type === "PayloadChunk") {
          controller.enqueue(message.payload);
        } else if (type === "InvokeComplete") {
          const done = JSON.parse(new TextDecoder().decode(message.payload) || "{}") as { ErrorCode?: string };
          if (done.ErrorCode) {
            throw new Error(`Lambda stream ended with ${done.ErrorCode}`);
          }
        }
      },
    }),
  );
}

async function apiFailure(res: Response): Promise<Response> {
  const type = res.headers.get("x-amzn-errortype") ?? "";
  const text = await res.text().catch(() => "");
  if (res.status === 429 || type.startsWith("TooManyRequestsException")) {
    let seconds = Number(res.headers.get("retry-after"));
    if (!Number.isFinite(seconds) || seconds <= 0) {
      try {
        seconds = Number((JSON.parse(text) as { retryAfterSeconds?: unknown }).retryAfterSeconds);
      } catch {
        seconds = NaN;
      }
    }
    return lambdaFailure(429, "TooManyRequestsException", Number.isFinite(seconds) && seconds > 0 ? seconds : 1);
  }
  return lambdaFailure(502, type.split(":")[0] || `lambda_api_${res.status}`);
}
