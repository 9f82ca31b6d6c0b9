/**
 * @module
 * How the router reaches an origin. One port, one adapter per kind: plain HTTP for origin
 * servers (fetch works in workerd and Node alike) and the Lambda Invoke API for the serverless
 * origin (`lambda-transport.ts`). An adapter answers with the origin's HTTP response, as
 * the origin app would have answered it.
 */
import type { OriginEntry } from "./origin-table.ts";

export interface OriginCall {
  path: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
}

export interface OriginTransport {
  send(origin: OriginEntry, call: OriginCall, signal: AbortSignal): Promise<Response>;
}

export function httpTransport(fetcher: typeof fetch = fetch): OriginTransport {
  return {
    send(origin, call, signal) {
      return fetcher(new URL(call.path, origin.endpoint), {
        method: "POST",
        headers: call.headers,
        body: call.body,
        signal,
      });
    },
  };
}
