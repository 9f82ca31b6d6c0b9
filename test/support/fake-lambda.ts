/**
 * A local stand-in for the AWS Lambda Invoke API on 127.0.0.1: `Invoke` and
 * `InvokeWithResponseStream` (event-stream framed), running the real origin Lambda handlers
 * in this process. Throttling can be switched on to answer what Lambda answers when its
 * concurrency is used up: 429 `TooManyRequestsException`, the function not run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LambdaHandlers } from "../../origin/lambda/handler.ts";
import { encodeEventMessage } from "../../shared/aws/event-stream.ts";

export interface FakeLambda {
  url: string;
  /** Invocations that reached the API, throttled ones included. */
  calls: number;
  /** Invocations that ran the function. */
  executed: number;
  throttle: { on: boolean; retryAfterSeconds: number };
  stop(): Promise<void>;
}

const enc = new TextEncoder();

export async function startFakeLambda(handlers: LambdaHandlers): Promise<FakeLambda> {
  const state = { calls: 0, executed: 0, throttle: { on: false, retryAfterSeconds: 2 } };
  const server = createServer((req, res) => {
    void serve(req, res).catch(() => res.destroy());
  });
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "";
    const body = await new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (d: Buffer) => (data += d.toString()));
      req.on("end", () => resolve(data));
    });
    const buffered = /^\/2015-03-31\/functions\/[^/]+\/invocations/.test(url);
    const streamed = /^\/2021-11-15\/functions\/[^/]+\/response-streaming-invocations/.test(url);
    if (req.method !== "POST" || (!buffered && !streamed)) {
      res
        .writeHead(404, { "x-amzn-errortype": "ResourceNotFoundException" })
        .end(JSON.stringify({ message: "no such API" }));
      return;
    }
    state.calls += 1;
    if (state.throttle.on) {
      res
        .writeHead(429, {
          "content-type": "application/json",
          "x-amzn-errortype": "TooManyRequestsException",
          "retry-after": String(state.throttle.retryAfterSeconds),
        })
        .end(JSON.stringify({ Reason: "ConcurrentInvocationLimitExceeded", Type: "User", message: "Rate Exceeded." }));
      return;
    }
    state.executed += 1;
    const event: unknown = JSON.parse(body);
    if (buffered) {
      try {
        const out = await handlers.handle(event);
        res
          .writeHead(200, { "content-type": "application/json", "x-amz-executed-version": "$LATEST" })
          .end(JSON.stringify(out));
      } catch (error) {
        res
          .writeHead(200, { "content-type": "application/json", "x-amz-function-error": "Unhandled" })
          .end(JSON.stringify({ errorType: "Error", errorMessage: String(error) }));
      }
      return;
    }
    res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amz-executed-version": "$LATEST" });
    const frame = (type: string, payload: Uint8Array, contentType: string) =>
      res.write(
        encodeEventMessage({
          headers: { ":event-type": type, ":message-type": "event", ":content-type": contentType },
          payload,
        }),
      );
    let failed: string | undefined;
    await handlers
      .handleStream(event, {
        write: (chunk: Uint8Array) => frame("PayloadChunk", chunk, "application/octet-stream"),
        end: () => undefined,
      })
      .catch((error: unknown) => {
        failed = String(error);
      });
    frame(
      "InvokeComplete",
      enc.encode(JSON.stringify(failed ? { ErrorCode: "Unhandled", ErrorDetails: failed } : {})),
      "application/json",
    );
    res.end();
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get calls() {
      return state.calls;
    },
    get executed() {
      return state.executed;
    },
    throttle: state.throttle,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
