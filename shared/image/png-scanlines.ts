/**
 * @module
 * From inflated PNG data to RGB pixels, one scanline at a time: the bytes are taken as the
 * inflater produces them, each complete scanline is unfiltered against the previous one of
 * its pass and written straight into the RGB output. Only two scanlines are kept besides the
 * output, so a decode holds 3 bytes per pixel plus 2 scanlines, whatever the bit depth.
 *
 * Pixel conversion is the one the vision tasks have always used: 16-bit samples keep their
 * high byte, alpha (and tRNS) is ignored, grey is copied to R, G and B, a palette index past
 * the palette's end is black. Grey at 1, 2 or 4 bits is scaled to 0..255 (×255, ×85, ×17).
 */
import type { RgbImage } from "./rgb-image.ts";
import { imageDataTooLarge, invalidImage } from "./image-errors.ts";
import { CHANNELS, filterStride, type PngHeader, type PngPass, passesOf } from "./png-layout.ts";

export class PngScanlineWriter {
  private readonly passes: PngPass[];
  private readonly stride: number;
  private readonly channels: number;
  private readonly out: Uint8Array;
  private passIndex = 0;
  private row = 0;
  /** The scanline being filled: filter byte, then the filtered bytes; unfiltered in place. */
  private line: Uint8Array;
  /** The previous unfiltered scanline of the current pass (zeros before its first row). */
  private prev: Uint8Array;
  private filled = 0;
  private readonly header: PngHeader;
  /** 256 RGB entries (768 bytes, zero past the file's palette), for colour type 3. */
  private readonly palette: Uint8Array | undefined;

  constructor(header: PngHeader, palette: Uint8Array | undefined) {
    this.header = header;
    this.palette = palette;
    this.passes = passesOf(header);
    this.stride = filterStride(header);
    this.channels = CHANNELS[header.colorType];
    this.out = new Uint8Array(header.width * header.height * 3);
    const widest = Math.max(0, ...this.passes.map((p) => p.lineBytes));
    this.line = new Uint8Array(widest + 1);
    this.prev = new Uint8Array(widest + 1);
  }

  /** Takes the next inflated bytes; refuses the first byte past the last scanline. */
  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const pass = this.passes[this.passIndex];
      if (!pass) {
        throw imageDataTooLarge(
          `input.image's PNG data inflates past the ${this.header.width}x${this.header.height} pixels it declares`,
        );
      }
      const need = pass.lineBytes + 1 - this.filled;
      const take = Math.min(need, chunk.length - at);
      this.line.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === pass.lineBytes + 1) {
        this.completeLine(pass);
      }
    }
  }

  /** The image, once every scanline has arrived. */
  finish(): RgbImage {
    if (this.passIndex < this.passes.length) {
      throw invalidImage("input.image's PNG data ends before its last scanline");
    }
    return { width: this.header.width, height: this.header.height, data: this.out };
  }

  private completeLine(pass: PngPass): void {
    unfilter(this.line, this.prev, pass.lineBytes, this.stride);
    this.emit(pass);
    [this.prev, this.line] = [this.line, this.prev];
    this.filled = 0;
    this.row++;
    if (this.row === pass.height) {
      this.passIndex++;
      this.row = 0;
      this.prev.fill(0);
    }
  }

  /** Writes the unfiltered scanline (in `this.line`, data from index 1) into the RGB output. */
  private emit(pass: PngPass): void {
    const { line, out, channels, palette } = this;
    const { depth, colorType } = this.header;
    const y = pass.y0 + this.row * pass.dy;
    let o = (y * this.header.width + pass.x0) * 3;
    const step = pass.dx * 3;
    if (depth >= 8) {
      // Bytes per sample: the high (first, big-endian) byte of a 16-bit sample is the one kept.
      const sampleBytes = depth >> 3;
      const pixelBytes = channels * sampleBytes;
      for (let x = 0, i = 1; x < pass.width; x++, i += pixelBytes, o += step) {
        if (colorType === 3) {
          const e = (line[i] ?? 0) * 3;
          out[o] = palette?.[e] ?? 0;
          out[o + 1] = palette?.[e + 1] ?? 0;
          out[o + 2] = palette?.[e + 2] ?? 0;
        } else if (channels <= 2) {
          const v = line[i] ?? 0;
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
        } else {
          out[o] = line[i] ?? 0;
          out[o + 1] = line[i + sampleBytes] ?? 0;
          out[o + 2] = line[i + 2 * sampleBytes] ?? 0;
        }
      }
      return;
    }
    // 1, 2 or 4 bits: one channel (grey or palette index), packed from the high bit down.
    const mask = (1 << depth) - 1;
    const scale = colorType === 3 ? 1 : 255 / mask;
    for (let x = 0; x < pass.width; x++, o += step) {
      const bit = x * depth;
      const v = ((line[1 + (bit >> 3)] ?? 0) >> (8 - depth - (bit & 7))) & mask;
      if (colorType === 3) {
        out[o] = palette?.[v * 3] ?? 0;
        out[o + 1] = palette?.[v * 3 + 1] ?? 0;
        out[o + 2] = palette?.[v * 3 + 2] ?? 0;
      } else {
        const g = v * scale;
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
      }
    }
  }
}

/** Reverses the scanline's filter in place (PNG spec §9.2); `line[0]` is the filter type, data from 1. */
function unfilter(line: Uint8Array, prev: Uint8Array, length: number, stride: number): void {
  const end = length + 1;
  switch (line[0]) {
    case 0:
      return;
    case 1:
      for (let i = 1 + stride; i < end; i++) {
        line[i] = ((line[i] ?? 0) + (line[i - stride] ?? 0)) & 0xff;
      }
      return;
    case 2:
      for (let i = 1; i < end; i++) {
        line[i] = ((line[i] ?? 0) + (prev[i] ?? 0)) & 0xff;
      }
      return;
    case 3:
      for (let i = 1; i < end; i++) {
        const left = i > stride ? (line[i - stride] ?? 0) : 0;
        line[i] = ((line[i] ?? 0) + ((left + (prev[i] ?? 0)) >> 1)) & 0xff;
      }
      return;
    case 4:
      for (let i = 1; i < end; i++) {
        const a = i > stride ? (line[i - stride] ?? 0) : 0;
        const b = prev[i] ?? 0;
        const c = i > stride ? (prev[i - stride] ?? 0) : 0;
        line[i] = ((line[i] ?? 0) + paeth(a, b, c)) & 0xff;
      }
      return;
    default:
      throw invalidImage(`input.image has an unknown PNG filter type ${line[0]}`);
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) {
    return a;
  }
  return pb <= pc ? b : c;
}
