/**
 * @module
 * Guards a server-sent-events body of an OpenAI-style stream so that a client can always
 * tell a complete answer from a broken one. Events pass through whole (never a partial
 * event); the stream ends cleanly only after `data: [DONE]`. A cut connection, an upstream
 * that ends without `[DONE]`, a stall longer than `stallMs`, or a `data:` payload that is not
 * JSON ends it with an explicit `event: error` and no `[DONE]` — the failure a silent close
 * hides (reported against other gateways as Portkey #1797 and LiteLLM #40404).
 */
import { ApiError } from "../errors.ts";

export type StreamOutcome = "done" | "cut" | "stall" | "malformed" | "upstream_error" | "cancelled";

export interface SseGuardOptions {
  /** Longest silence from upstream before the stream is declared stalled. */
  stallMs: number;
  /** Called once with how the stream ended (metrics, logs, breaker feedback). */
  onEnd?: (outcome: StreamOutcome) => void;
}

const encoder = new TextEncoder();

/** The SSE error event that ends a broken stream. */
export function sseErrorEvent(message: string, code = "stream_interrupted"): Uint8Array {
  const body = new ApiError(502, code, message).toBody();
  return encoder.encode(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
}

export function guardSseStream(
  upstream: ReadableStream<Uint8Array>,
  options: SseGuardOptions,
): ReadableStream<Uint8Array> {
  const guard = new SseGuard(upstream.getReader(), options);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Read until at least one whole event went out (or the stream ended): a pull that
      // enqueues nothing would not be called again.
      let sent: boolean;
      do {
        sent = await guard.step(controller);
      } while (!sent);
    },
    cancel(reason) {
      return guard.cancel(reason);
    },
  });
}

/** The state of one guarded stream: upstream's reader, the text of an unfinished event, and whether it ended. */
class SseGuard {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly options: SseGuardOptions;
  private readonly decoder = new TextDecoder();
  private pending = "";
  private ended = false;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>, options: SseGuardOptions) {
    this.reader = reader;
    this.options = options;
  }

  /** One read from upstream; true when something was enqueued or the stream ended. */
  async step(controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> {
    const { stallMs } = this.options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<"stall">((resolve) => {
      timer = setTimeout(() => resolve("stall"), stallMs);
    });
    let next: ReadableStreamReadResult<Uint8Array> | "stall";
    try {
      next = await Promise.race([this.reader.read(), stalled]);
    } catch {
      this.finish(controller, "cut", "The upstream connection failed mid-stream.");
      return true;
    } finally {
      if (timer !== undefined) {
        clearTimeout(timer);
      }
    }
    if (next === "stall") {
      this.finish(controller, "stall", `The upstream sent nothing for ${stallMs} ms.`);
      return true;
    }
    if (next.done) {
      this.finish(controller, "cut", "The upstream stream ended without its final event.");
      return true;
    }
    this.pending += this.decoder.decode(next.value, { stream: true }).replace(/\r\n/g, "\n");
    return this.forwardEvents(controller);
  }

  cancel(reason: unknown): Promise<void> {
    this.ended = true;
    this.options.onEnd?.("cancelled");
    return this.reader.cancel(reason);
  }

  /** Passes on every whole event received so far; true when one went out or the stream ended. */
  private forwardEvents(controller: ReadableStreamDefaultController<Uint8Array>): boolean {
    let sent = false;
    let boundary = this.pending.indexOf("\n\n");
    while (boundary >= 0) {
      const event = this.pending.slice(0, boundary);
      this.pending = this.pending.slice(boundary + 2);
      const verdict = checkEvent(event);
      if (verdict === "malformed") {
        this.finish(controller, "malformed", "The upstream sent a malformed stream chunk.");
        return true;
      }
      if (verdict !== "skip") {
        controller.enqueue(encoder.encode(`${event}\n\n`));
        sent = true;
      }
      if (verdict === "done") {
        this.finish(controller, "done");
        return true;
      }
      if (verdict === "error") {
        // The upstream reported its own failure explicitly: pass it on, add nothing, end.
        this.finish(controller, "upstream_error");
        void this.reader.cancel().catch(() => undefined);
        return true;
      }
      boundary = this.pending.indexOf("\n\n");
    }
    return sent;
  }

  private finish(controller: ReadableStreamDefaultController<Uint8Array>, outcome: StreamOutcome, message?: string) {
    if (this.ended) {
      return;
    }
    this.ended = true;
    if (message !== undefined) {
      controller.enqueue(sseErrorEvent(message));
      void this.reader.cancel(outcome).catch(() => undefined);
    }
    controller.close();
    this.options.onEnd?.(outcome);
  }
}

type Verdict = "data" | "done" | "error" | "skip" | "malformed";

/** Classifies one SSE event block (lines without the blank separator). */
function checkEvent(block: string): Verdict {
  const lines = block.split("\n");
  if (lines.every((l) => l === "" || l.startsWith(":"))) {
    return "skip";
  }
  const data = lines
    .filter((l) => l.startsWith("data:"))
    .map((l) => l.slice(5).replace(/^ /, ""))
    .join("\n");
  const isError = lines.some((l) => /^event:\s*error\s*$/.test(l));
  if (data === "[DONE]") {
    return "done";
  }
  if (data === "") {
    return isError ? "error" : "malformed";
  }
  try {
    JSON.parse(data);
  } catch {
    return "malformed";
  }
  return isError ? "error" : "data";
}
