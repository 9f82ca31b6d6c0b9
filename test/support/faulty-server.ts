/**
 * A registry served over real HTTP on loopback that misbehaves on demand, for the device
 * client's resume and integrity tests: it closes the connection after a chosen number of body
 * bytes (a cut), ignores `Range` (answers 200), pretends the representation changed (another
 * strong ETag, judged by `If-Range` like a real server would), rewrites answers (a wrong
 * `Content-Range`, a flipped byte, trailing junk), and counts the body bytes it sends per path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (request: Request) => Promise<Response>;

export interface Answer {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface FaultyServer {
  url: string;
  /** Body bytes to send before closing the connection, per request; undefined sends all. */
  cut: ((path: string) => number | undefined) | undefined;
  /** Strip `Range` and `If-Range`, as a server without range support would. */
  ignoreRange: ((path: string) => boolean) | undefined;
  /** The ETag to claim for a path instead of the real one (If-Range is judged against it). */
  etag: ((path: string) => string | undefined) | undefined;
  /** Last word on an answer before it is sent (`sendLength: false` drops Content-Length). */
  rewrite: ((path: string, answer: Answer) => Answer & { sendLength?: boolean }) | undefined;
  /** Body bytes sent, per path. */
  sent: Map<string, number>;
  /** Connections closed mid-body. */
  cuts: number;
  requests: string[];
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, base: string, drop: readonly string[]): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string" && !drop.includes(name)) {
      headers.set(name, value);
    }
  }
  return new Request(new URL(req.url ?? "/", base), { method: req.method ?? "GET", headers });
}

function headersOf(source: Headers, etag: string | undefined, keepLength: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  source.forEach((value, name) => {
    if (name !== "content-length") {
      headers[name] = value;
    }
  });
  if (etag !== undefined) {
    headers.etag = etag;
  }
  const length = source.get("content-length");
  if (keepLength && length !== null) {
    headers["content-length"] = length;
  }
  return headers;
}

/** Streams `body` to `res`, or only its first `limit` bytes and then closes the connection. */
async function pipeWithCut(
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  limit: number | undefined,
  onSent: (n: number) => void,
  onCut: () => void,
): Promise<void> {
  const reader = body.getReader();
  let sent = 0;
  for (;;) {
    const step = await reader.read();
    if (step.done) {
      res.end();
      return;
    }
    const piece = step.value;
    if (limit !== undefined && sent + piece.byteLength > limit) {
      const part = piece.subarray(0, limit - sent);
      onSent(part.byteLength);
      onCut();
      await reader.cancel();
      // Everything written reaches the client; then the connection just ends, mid-body.
      res.write(part, () => res.socket?.destroy());
      return;
    }
    sent += piece.byteLength;
    onSent(piece.byteLength);
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => res.once("drain", () => resolve()));
    }
  }
}

export async function faultyServer(handler: Handler): Promise<FaultyServer> {
  const state: FaultyServer = {
    url: "",
    cut: undefined,
    ignoreRange: undefined,
    etag: undefined,
    rewrite: undefined,
    sent: new Map(),
    cuts: 0,
    requests: [],
    close: async () => undefined,
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", state.url).pathname;
    state.requests.push(path);
    const claimed = state.etag?.(path);
    const ifRange = req.headers["if-range"];
    // A changed representation: If-Range no longer matches, so the whole body comes back (RFC 9110).
    const stale = claimed !== undefined && typeof ifRange === "string" && ifRange !== claimed;
    const drop = state.ignoreRange?.(path) || stale ? ["range", "if-range"] : claimed !== undefined ? ["if-range"] : [];
    const response = await handler(toRequest(req, state.url, drop));
    const limit = state.cut?.(path);
    if (!state.rewrite && response.body) {
      // Streamed, so a cut request costs only the bytes before the cut.
      const headers = headersOf(response.headers, claimed, true);
      res.writeHead(response.status, headers);
      await pipeWithCut(
        response.body,
        res,
        limit,
        (n) => state.sent.set(path, (state.sent.get(path) ?? 0) + n),
        () => {
          state.cuts++;
        },
      );
      return;
    }
    let out: Answer & { sendLength?: boolean } = {
      status: response.status,
      headers: new Headers(response.headers),
      body: new Uint8Array(await response.arrayBuffer()),
    };
    if (claimed !== undefined) {
      out.headers.set("etag", claimed);
    }
    out = state.rewrite?.(path, out) ?? out;
    const headers = headersOf(out.headers, undefined, false);
    if (out.sendLength !== false) {
      headers["content-length"] = String(out.body.byteLength);
    }
    res.writeHead(out.status, headers);
    if (limit !== undefined && limit < out.body.byteLength) {
      state.cuts++;
      state.sent.set(path, (state.sent.get(path) ?? 0) + limit);
      // Everything written reaches the client; then the connection just ends, mid-body.
      res.write(out.body.subarray(0, limit), () => res.socket?.destroy());
      return;
    }
    state.sent.set(path, (state.sent.get(path) ?? 0) + out.body.byteLength);
    res.end(out.body);
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
