/**
 * @module
 * A small PNG encoder for tests: every colour type and bit depth, Adam7 or not, and all five
 * filter types (cycled per scanline) — fast-png's encoder writes filter 0 only, so the
 * decoder's unfiltering would otherwise go untested.
 */
import { deflateSync } from "node:zlib";
import { ihdr, pngChunk, pngFile } from "../../support/png-bomb.ts";
import { ADAM7 } from "../../../shared/image/png-layout.ts";

export interface TestImage {
  width: number;
  height: number;
  depth: 1 | 2 | 4 | 8 | 16;
  colorType: 0 | 2 | 3 | 4 | 6;
  interlaced: boolean;
  /** width × height × channels samples, row-major, each below 2^depth. */
  samples: Uint16Array;
  /** RGB triplets, for colour type 3. */
  palette?: Uint8Array;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

export function encodeTestPng(img: TestImage): Uint8Array {
  const channels = CHANNELS[img.colorType];
  const bitsPerPixel = channels * img.depth;
  const stride = Math.max(1, bitsPerPixel >> 3);
  const passes = img.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const rows: number[] = [];
  let filterType = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((img.width - x0) / dx);
    const ph = Math.ceil((img.height - y0) / dy);
    if (pw <= 0 || ph <= 0) {
      continue;
    }
    const lineBytes = Math.ceil((pw * bitsPerPixel) / 8);
    let prev = new Uint8Array(lineBytes);
    for (let r = 0; r < ph; r++) {
      const raw = new Uint8Array(lineBytes);
      let bit = 0;
      for (let x = 0; x < pw; x++) {
        const pixel = (y0 + r * dy) * img.width + x0 + x * dx;
        for (let c = 0; c < channels; c++) {
          const v = img.samples[pixel * channels + c] ?? 0;
          if (img.depth === 16) {
            raw[bit >> 3] = v >> 8;
            raw[(bit >> 3) + 1] = v & 0xff;
          } else if (img.depth === 8) {
            raw[bit >> 3] = v;
          } else {
            raw[bit >> 3] = (raw[bit >> 3] ?? 0) | (v << (8 - img.depth - (bit & 7)));
          }
          bit += img.depth;
        }
      }
      rows.push(filterType, ...filterLine(filterType, raw, prev, stride));
      filterType = (filterType + 1) % 5;
      prev = raw;
    }
  }
  const chunks = [ihdr(img.width, img.height, img.depth, img.colorType, img.interlaced ? 1 : 0)];
  if (img.palette) {
    chunks.push(pngChunk("PLTE", img.palette));
  }
  chunks.push(pngChunk("tEXt", new TextEncoder().encode("Comment\0ancillary, skipped")));
  chunks.push(pngChunk("IDAT", deflateSync(new Uint8Array(rows))), pngChunk("IEND", new Uint8Array(0)));
  return pngFile(chunks);
}

function filterLine(type: number, raw: Uint8Array, prev: Uint8Array, stride: number): Uint8Array {
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const a = i >= stride ? (raw[i - stride] ?? 0) : 0;
    const b = prev[i] ?? 0;
    const c = i >= stride ? (prev[i - stride] ?? 0) : 0;
    const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type] ?? 0;
    out[i] = ((raw[i] ?? 0) - predictor) & 0xff;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
