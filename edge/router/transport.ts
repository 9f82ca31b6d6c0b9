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
  // Origin URLs resolved once per endpoint and path (a handful of each), not per request.
  const urls = new Map<string, string>();
  const urlOf = (endpoint: string, path: string): string => {
    const key = `${endpoint} ${path}`;
    let url = urls.get(key);
    if (url === undefined) {
      url = new URL(path, endpoint).toString();
      if (urls.size < 1024) {
        urls.set(key, url);
      }
    }
    return url;
  };
  return {
    send(origin, call, signal) {
      return fetcher(urlOf(origin.endpoint, call.path), {
        method: "POST",
        headers: call.headers,
        body: call.body,
        signal,
      });
    },
  };
}
