/**
 * @module
 * Hostile PNGs for tests and benches (Node only): a valid-looking PNG whose IDAT stream
 * inflates to far more than its declared dimensions need. The zlib stream is built without
 * ever holding the inflated bytes: 16 MiB of zeros are deflated once with a sync flush (so
 * the blocks end on a byte boundary and refer back only to zeros), that block run is
 * repeated, and a final empty block and the right Adler-32 close it.
 */
import { crc32, deflateSync, constants as zlibConstants } from "node:zlib";

const PIECE_BYTES = 16 * 2 ** 20;

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function pngFile(chunks: Uint8Array[]): Uint8Array {
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), ...chunks];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function ihdr(width: number, height: number, depth: number, colorType: number, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([depth, colorType, 0, 0, interlace], 8);
  return pngChunk("IHDR", data);
}

/** A zlib stream of `inflatedBytes` zero bytes (a multiple of 16 MiB), about 1/1000 of that size. */
export function zlibZeros(inflatedBytes: number): Uint8Array {
  if (inflatedBytes % PIECE_BYTES !== 0) {
    throw new Error("zlibZeros takes a multiple of 16 MiB");
  }
  const flushed = deflateSync(new Uint8Array(PIECE_BYTES), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const header = flushed.subarray(0, 2);
  const piece = flushed.subarray(2);
  const repeats = inflatedBytes / PIECE_BYTES;
  const out = new Uint8Array(2 + piece.length * repeats + 2 + 4);
  out.set(header, 0);
  for (let i = 0; i < repeats; i++) {
    out.set(piece, 2 + i * piece.length);
  }
  let at = 2 + piece.length * repeats;
  out.set([0x03, 0x00], at); // a final, empty, fixed-Huffman block
  at += 2;
  // Adler-32 of n zeros: a = 1, b = n mod 65521.
  new DataView(out.buffer).setUint32(at, ((inflatedBytes % 65521) << 16) | 1);
  return out;
}

/** A 64×64 RGB PNG whose one IDAT inflates to `inflatedBytes` (its pixels need 12,352). */
export function pngBomb(inflatedBytes: number, width = 64, height = 64): Uint8Array {
  return pngFile([
    ihdr(width, height, 8, 2),
    pngChunk("IDAT", zlibZeros(inflatedBytes)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}
