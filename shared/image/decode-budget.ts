/**
 * @module
 * How much memory and CPU one image decode may use, derived from the model's pixel cap
 * (manifest `settings.max_pixels`, 4,194,304 by default). The same numbers hold on the edge
 * (workerd, 128 MB per isolate), the origin and devices, since all three run this decoder.
 *
 * PNG (decode-png.ts): memory = the RGB output (3 B/pixel, 12 MiB at the default cap) + two
 * scanlines + the inflater's 32 KiB window and one slice's output (≤ 16 MiB, and ≤ 4 MiB past the budget); CPU = inflating
 * at most the exact bytes the declared scanlines need (+ ≤ 4 MiB overshoot) and unfiltering
 * them once — linear in declared pixels, whatever the data claims to hold.
 *
 * JPEG (decode-jpeg.ts): memory as counted by jpeg-js (coefficient blocks 4 B, lines 1 B,
 * output 3 + 3 B per pixel and component) up to JPEG_BYTES_PER_PIXEL × cap (32 MiB at the
 * default cap: a 4:2:0 colour JPEG of about 2.5 Mpx, a 4:4:4 one of about 1.5 Mpx; larger ones
 * get `image_data_too_large`); CPU = at most MAX_JPEG_SCANS passes over the blocks.
 */

/** The jpeg-js memory budget per pixel of the cap (unchanged from the first decoder). */
export const JPEG_BYTES_PER_PIXEL = 8;

/** A few MiB for tables and MCU padding, so a small image is never refused for its overheads. */
const JPEG_FIXED_BYTES = 4 * 2 ** 20;

/** Baseline encoders write 1–3 scans, progressive ones about 10; 64 leaves room for odd encoders. */
export const MAX_JPEG_SCANS = 64;

export function jpegMemoryBudgetBytes(maxPixels: number): number {
  return JPEG_BYTES_PER_PIXEL * maxPixels + JPEG_FIXED_BYTES;
}
