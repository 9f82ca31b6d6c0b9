/**
 * A fault-injecting origin on 127.0.0.1 that speaks the edge ↔ origin API and, under `/v1`,
 * an OpenAI-compatible upstream's chat completions (so it also stands in for vLLM/TGI/Ollama
 * behind a real origin). The fault is switched at run time; every request is logged, so
 * tests judge the router only by what callers received and what this server saw
 * (the failoverbench method), never by router internals.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault =
  | { kind: "ok"; delayMs?: number }
  | { kind: "status"; status: number; code?: string; retryAfter?: number; times?: number }
  | { kind: "blackhole" }
  | { kind: "reset" }
  | { kind: "stream-cut"; after: number }
  | { kind: "stream-stall"; after: number }
  | { kind: "stream-malformed"; after: number }
  | { kind: "stream-no-done"; after: number };

export interface Hit {
  path: string;
  requestId: string | undefined;
  deadline: string | undefined;
  idempotencyKey: string | undefined;
  /** The tenant the edge passed on (`x-edgefleet-tenant`). */
  tenant: string | undefined;
  /** The model the request body named. */
  model: string | undefined;
  at: number;
}

export interface FakeOrigin {
  url: string;
  name: string;
  hits: Hit[];
  /** Requests to inference routes only. */
  count(path?: string): number;
  setFault(fault: Fault): void;
  /** Tokens a healthy stream sends before `[DONE]`. */
  tokens: number;
  stop(): Promise<void>;
}

export async function startFakeOrigin(name: string, initial: Fault = { kind: "ok" }): Promise<FakeOrigin> {
  let fault: Fault = initial;
  let statusLeft = Infinity;
  const hits: Hit[] = [];
  const sockets = new Set<Socket>();
  const state = { tokens: 5 };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const body = await readBody(req);
    if (req.method === "GET") {
      if (path === "/v1/models") {
        return json(res, 200, {
          object: "list",
          data: [{ id: "fake-llm", object: "model", created: 0, owned_by: name }],
        });
      }
      return json(res, 200, { ok: true });
    }
    hits.push({
      path,
      requestId: header(req, "x-request-id"),
      deadline: header(req, "x-edgefleet-deadline"),
      idempotencyKey: header(req, "idempotency-key"),
      tenant: header(req, "x-edgefleet-tenant"),
      model: modelOf(body),
      at: Date.now(),
    });
    const current = fault;
    switch (current.kind) {
      case "blackhole":
        return; // accept, never answer
      case "reset":
        req.socket.destroy();
        return;
      case "status": {
        if (statusLeft === Infinity) {
          statusLeft = current.times ?? Infinity;
        }
        statusLeft -= 1;
        if (statusLeft <= 0) {
          fault = { kind: "ok" };
          statusLeft = Infinity;
        }
        const headers: Record<string, string> =
          current.retryAfter === undefined ? {} : { "retry-after": String(current.retryAfter) };
        return json(
          res,
          current.status,
          {
            error: {
              message: `injected ${current.status}`,
              type: "server_error",
              param: null,
              code: current.code ?? "injected",
            },
          },
          headers,
        );
      }
      default:
        break;
    }
    if (current.kind === "ok" && current.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, current.delayMs));
    }
    const parsed = safeJson(body);
    if (path.endsWith("/chat/completions")) {
      if (parsed.stream === true) {
        return stream(res, current, state.tokens, name);
      }
      return json(res, 200, completion(name, state.tokens));
    }
    if (path === "/v1/predict") {
      return json(
        res,
        200,
        { model: parsed.model, version: "1.0.0", output: { origin: name }, usage: { calls: 1 }, provider: "cpu" },
        { "x-edgefleet-model-version": "1.0.0", "x-edgefleet-queue-depth": "0" },
      );
    }
    return json(res, 404, { error: { message: "no route", type: "not_found_error", param: null, code: "not_found" } });
  };

  const server: Server = createServer((req, res) => {
    void handler(req, res).catch(() => req.socket.destroy());
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    name,
    hits,
    get tokens() {
      return state.tokens;
    },
    set tokens(n: number) {
      state.tokens = n;
    },
    count: (path) => hits.filter((h) => path === undefined || h.path === path).length,
    setFault(next) {
      fault = next;
      statusLeft = Infinity;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

function chunk(name: string, i: number): string {
  return `data: ${JSON.stringify({
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 0,
    model: "fake-llm",
    choices: [{ index: 0, delta: { content: `t${i} ` }, finish_reason: null }],
    system_fingerprint: name,
  })}\n\n`;
}

function stream(res: ServerResponse, fault: Fault, tokens: number, name: string): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const limit = "after" in fault ? fault.after : tokens;
  for (let i = 0; i < Math.min(limit, tokens); i++) {
    res.write(chunk(name, i));
  }
  switch (fault.kind) {
    case "stream-cut":
      // Let the chunks reach the client first: a cut mid-stream, not before the first byte.
      setTimeout(() => res.socket?.destroy(), 100);
      return;
    case "stream-stall":
      return; // keep the connection open, send nothing more
    case "stream-malformed":
      res.write("data: {this is not json\n\n");
      for (let i = limit; i < tokens; i++) {
        res.write(chunk(name, i));
      }
      res.end("data: [DONE]\n\n");
      return;
    case "stream-no-done":
      res.end();
      return;
    default:
      res.end("data: [DONE]\n\n");
  }
}

function completion(name: string, tokens: number): unknown {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model: "fake-llm",
    system_fingerprint: name,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: Array.from({ length: tokens }, (_, i) => `t${i}`).join(" ") },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: tokens, total_tokens: 3 + tokens },
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (d: Buffer) => (data += d.toString()));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function modelOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && "model" in parsed && typeof parsed.model === "string"
      ? parsed.model
      : undefined;
  } catch {
    return undefined;
  }
}
