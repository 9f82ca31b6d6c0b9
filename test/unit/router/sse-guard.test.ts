// The SSE guard on hand-made streams: clean [DONE], cuts, missing [DONE], malformed chunks
// (nothing after them leaks), stalls, and events split across network chunks.
import { describe, expect, it } from "vitest";
import { guardSseStream, type StreamOutcome } from "../../../shared/protocol/sse-guard.ts";

const enc = new TextEncoder();
const chunk = (i: number) => `data: {"choices":[{"delta":{"content":"t${i}"}}]}\n\n`;

function source(parts: string[], end: "close" | "error" | "hang"): ReadableStream<Uint8Array> {
  const queue = [...parts];
  return new ReadableStream({
    pull(c) {
      const next = queue.shift();
      if (next !== undefined) {
        c.enqueue(enc.encode(next));
      } else if (end === "close") {
        c.close();
      } else if (end === "error") {
        c.error(new Error("socket reset"));
      } else {
        return new Promise<void>(() => undefined);
      }
      return undefined;
    },
  });
}

async function run(parts: string[], end: "close" | "error" | "hang", stallMs = 1000) {
  let outcome: StreamOutcome | undefined;
  const text = await new Response(guardSseStream(source(parts, end), { stallMs, onEnd: (o) => (outcome = o) })).text();
  return { text, outcome };
}

describe("guardSseStream", () => {
  it("passes a complete stream through unchanged", async () => {
    const parts = [chunk(0), chunk(1), "data: [DONE]\n\n"];
    const r = await run(parts, "close");
    expect(r.text).toBe(parts.join(""));
    expect(r.outcome).toBe("done");
  });

  it("reassembles events split across chunks", async () => {
    const whole = chunk(0) + chunk(1) + "data: [DONE]\n\n";
    const r = await run([whole.slice(0, 7), whole.slice(7, 40), whole.slice(40)], "close");
    expect(r.text).toBe(whole);
  });

  it.each([
    ["a cut connection", [chunk(0)], "error", "cut"],
    ["an end without [DONE]", [chunk(0)], "close", "cut"],
    ["a malformed chunk", [chunk(0), "data: {oops\n\n", chunk(1), "data: [DONE]\n\n"], "close", "malformed"],
    ["a stall", [chunk(0)], "hang", "stall"],
  ] as const)("ends %s with an error event and no [DONE]", async (_what, parts, end, expected) => {
    const r = await run([...parts], end, 50);
    expect(r.outcome).toBe(expected);
    expect(r.text.startsWith(chunk(0))).toBe(true);
    expect(r.text).toContain("event: error\n");
    expect(r.text).toContain('"code":"stream_interrupted"');
    expect(r.text).not.toContain("[DONE]");
    expect(r.text).not.toContain("t1");
  });
});
