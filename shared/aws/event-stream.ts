/**
 * @module
 * The AWS event-stream binary framing (`application/vnd.amazon.eventstream`) that Lambda's
 * InvokeWithResponseStream answers with: each message is total length, headers length,
 * prelude CRC32, headers, payload, message CRC32. The decoder lets the Worker read a
 * streamed Lambda answer without the Node-only SDK; the encoder lets tests and local
 * runs speak the API (the real SDK then checks our framing on its side).
 */

export interface EventMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Encodes one message with string headers. */
export function encodeEventMessage(message: EventMessage): Uint8Array {
  const headerParts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(message.headers)) {
    const n = enc.encode(name);
    const v = enc.encode(value);
    const h = new Uint8Array(1 + n.length + 1 + 2 + v.length);
    h[0] = n.length;
    h.set(n, 1);
    h[1 + n.length] = 7;
    new DataView(h.buffer).setUint16(2 + n.length, v.length);
    h.set(v, 4 + n.length);
    headerParts.push(h);
  }
  const headersLength = headerParts.reduce((s, h) => s + h.length, 0);
  const total = 12 + headersLength + message.payload.length + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headersLength);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  let offset = 12;
  for (const h of headerParts) {
    out.set(h, offset);
    offset += h.length;
  }
  out.set(message.payload, offset);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)));
  return out;
}

/** Bytes each non-string header value type takes (types 0 and 1 are booleans with no value). */
const FIXED_SIZES: Record<number, number> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 };

function decodeMessage(bytes: Uint8Array): EventMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (
    view.getUint32(8) !== crc32(bytes.subarray(0, 8)) ||
    view.getUint32(total - 4) !== crc32(bytes.subarray(0, total - 4))
  ) {
    throw new Error("event-stream message failed its CRC check");
  }
  const headers: Record<string, string> = {};
  let at = 12;
  const end = 12 + headersLength;
  while (at < end) {
    const nameLength = bytes[at] as number;
    const name = dec.decode(bytes.subarray(at + 1, at + 1 + nameLength));
    const type = bytes[at + 1 + nameLength] as number;
    at += 2 + nameLength;
    if (type === 6 || type === 7) {
      const length = view.getUint16(at);
      if (type === 7) {
        headers[name] = dec.decode(bytes.subarray(at + 2, at + 2 + length));
      }
      at += 2 + length;
    } else {
      const size = FIXED_SIZES[type];
      if (size === undefined) {
        throw new Error(`unknown event-stream header type ${type}`);
      }
      at += size;
    }
  }
  return { headers, payload: bytes.slice(end, total - 4) };
}

/** Splits a byte stream into event-stream messages, checking both CRCs of each. */
export function eventStreamDecoder(maxMessage = 16 * 2 ** 20): TransformStream<Uint8Array, EventMessage> {
  let buffered = new Uint8Array(0);
  return new TransformStream<Uint8Array, EventMessage>({
    transform(chunk, controller) {
      const next = new Uint8Array(buffered.length + chunk.length);
      next.set(buffered);
      next.set(chunk, buffered.length);
      buffered = next;
      while (buffered.length >= 12) {
        const total = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0);
        if (total < 16 || total > maxMessage) {
          throw new Error(`event-stream message of ${total} bytes`);
        }
        if (buffered.length < total) {
          return;
        }
        controller.enqueue(decodeMessage(buffered.subarray(0, total)));
        buffered = buffered.slice(total);
      }
    },
    flush() {
      if (buffered.length > 0) {
        throw new Error("event-stream ended inside a message");
      }
    },
  });
}
