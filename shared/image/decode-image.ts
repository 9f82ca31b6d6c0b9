/**
 * @module
 * PNG and JPEG decoding in pure JavaScript (our own bounded PNG reader over fflate, jpeg-js):
 * both run in workerd, where native or wasm-from-bytes decoders cannot. Dimensions are
 * checked against the pixel cap before the pixels are allocated, and the compressed data is
 * never allowed to expand past what those dimensions need (decode-budget.ts says how much a
 * decode may use). Errors are 400s with the codes of image-errors.ts.
 */
import { decodeJpeg } from "./decode-jpeg.ts";
import { decodePng } from "./decode-png.ts";
import { invalidImage } from "./image-errors.ts";
import { hasPngSignature } from "./png-chunks.ts";
import type { RgbImage } from "./rgb-image.ts";

export function decodeImage(bytes: Uint8Array, maxPixels: number): RgbImage {
  if (hasPngSignature(bytes)) {
    return decodePng(bytes, maxPixels);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    return decodeJpeg(bytes, maxPixels);
  }
  throw invalidImage("input.image must be a PNG or JPEG file");
}
