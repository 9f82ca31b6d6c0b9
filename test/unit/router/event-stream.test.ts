// AWS event-stream framing: what we encode decodes to the same messages; a flipped bit fails the CRC.
import { describe, expect, it } from "vitest";
import { encodeEventMessage, eventStreamDecoder, type EventMessage } from "../../../shared/aws/event-stream.ts";

async function decode(bytes: Uint8Array, split: number): Promise<EventMessage[]> {
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (let at = 0; at < bytes.length; at += split) {
        c.enqueue(bytes.slice(at, at + split));
      }
      c.close();
    },
  });
  const out: EventMessage[] = [];
  for await (const m of stream.pipeThrough(eventStreamDecoder())) {
    out.push(m);
  }
  return out;
}

describe("event-stream framing", () => {
  const messages = [
    {
      headers: { ":event-type": "PayloadChunk", ":message-type": "event" },
      payload: new TextEncoder().encode("hello"),
    },
    { headers: { ":event-type": "InvokeComplete", ":message-type": "event" }, payload: new TextEncoder().encode("{}") },
  ];
  const wire = new Uint8Array(messages.flatMap((m) => [...encodeEventMessage(m)]));

  it("round-trips messages however the bytes are split", async () => {
    for (const split of [1, 7, wire.length]) {
      expect(await decode(wire, split)).toEqual(messages);
    }
  });

  it("rejects a corrupted message", async () => {
    const bad = wire.slice();
    bad[20] = (bad[20] ?? 0) ^ 1;
    await expect(decode(bad, 64)).rejects.toThrow(/CRC/);
  });
});
