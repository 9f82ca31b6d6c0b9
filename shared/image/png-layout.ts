/**
 * @module
 * What a PNG's header (IHDR) says about its image data: the colour model, and the exact
 * number of bytes the inflated data must have — the scanlines of each interlace pass, each
 * with its one filter byte. That count is the decoder's inflation budget: a stream that
 * inflates past it is not a bigger image, it is a decompression bomb.
 */

export type PngColorType = 0 | 2 | 3 | 4 | 6;

export interface PngHeader {
  width: number;
  height: number;
  /** Bits per sample (per palette index for colour type 3). */
  depth: 1 | 2 | 4 | 8 | 16;
  colorType: PngColorType;
  interlaced: boolean;
}

/** One reduced image of the scan order: the whole image, or one of Adam7's seven passes. */
export interface PngPass {
  /** Where the pass's first pixel sits and the steps between its pixels, in image coordinates. */
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  /** The pass's own size; a pass with a zero side has no scanlines at all (not even filter bytes). */
  width: number;
  height: number;
  /** Bytes of one unfiltered scanline (without the filter byte). */
  lineBytes: number;
}

/** Samples per pixel for each colour type (PNG spec §6.1): grey, RGB, palette index, grey+alpha, RGBA. */
export const CHANNELS: Record<PngColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The bit depths each colour type allows (PNG spec table 11.1). */
const DEPTHS: Record<PngColorType, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

export function isColorType(value: number): value is PngColorType {
  return value in CHANNELS;
}

export function isDepthAllowed(colorType: PngColorType, depth: number): depth is PngHeader["depth"] {
  return DEPTHS[colorType].includes(depth);
}

/** Adam7's seven passes: first column and row, then column and row steps (PNG spec, 8.2). */
export const ADAM7: readonly (readonly [x0: number, y0: number, dx: number, dy: number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** The passes in stream order, empty ones left out (they contribute no bytes). */
export function passesOf(header: PngHeader): PngPass[] {
  const steps = header.interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  const bitsPerPixel = CHANNELS[header.colorType] * header.depth;
  const passes: PngPass[] = [];
  for (const [x0, y0, dx, dy] of steps) {
    const width = Math.ceil((header.width - x0) / dx);
    const height = Math.ceil((header.height - y0) / dy);
    if (width > 0 && height > 0) {
      passes.push({ x0, y0, dx, dy, width, height, lineBytes: Math.ceil((width * bitsPerPixel) / 8) });
    }
  }
  return passes;
}

/**
 * Exact byte count of the inflated image data: for each pass, height × (1 + ceil(width ×
 * channels × depth / 8)). Non-interlaced 64×64 RGB: 64 × 193 = 12,352 bytes.
 */
export function inflatedByteLength(header: PngHeader): number {
  return passesOf(header).reduce((sum, p) => sum + p.height * (1 + p.lineBytes), 0);
}

/** Bytes per complete pixel for the filters' "left neighbour" (at least 1, also for sub-byte depths). */
export function filterStride(header: PngHeader): number {
  return Math.max(1, (CHANNELS[header.colorType] * header.depth) >> 3);
}
