/**
 * @module
 * Bounded JPEG decoding with jpeg-js. A JPEG cannot inflate past its declared size the way a
 * PNG can (jpeg-js allocates by the frame header), but it has two amplifiers of its own,
 * both checked here before jpeg-js runs, and one budget jpeg-js enforces itself:
 * - the frame size (SOF) is checked against the pixel cap;
 * - the number of scans: every scan walks every block of its components, and a progressive
 *   scan can cover the whole image in a few bytes (an end-of-band run), so 8 MiB of tiny
 *   scans would cost minutes of CPU. Encoders write 1–3 (baseline) or about 10 (progressive)
 *   scans; more than MAX_JPEG_SCANS is refused;
 * - memory: jpeg-js counts what it allocates (coefficient blocks, component lines, output)
 *   against `maxMemoryUsageInMB`, which is the per-request budget of decode-budget.ts.
 */
import jpeg from "jpeg-js";
import { jpegMemoryBudgetBytes, MAX_JPEG_SCANS } from "./decode-budget.ts";
import { checkDimensions, imageDataTooLarge, imageTooLarge, invalidImage } from "./image-errors.ts";
import type { RgbImage } from "./rgb-image.ts";

export function decodeJpeg(bytes: Uint8Array, maxPixels: number): RgbImage {
  const { width, height, scans } = surveyJpeg(bytes);
  checkDimensions(width, height, maxPixels);
  if (scans > MAX_JPEG_SCANS) {
    throw imageDataTooLarge(`input.image is a JPEG with ${scans} scans; at most ${MAX_JPEG_SCANS} are accepted`);
  }
  const budget = jpegMemoryBudgetBytes(maxPixels);
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: budget / 2 ** 20,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : "decode failed";
    if (/maxResolutionInMP/.test(message)) {
      throw imageTooLarge(`input.image is larger than ${maxPixels} pixels`);
    }
    if (/maxMemoryUsageInMB|allocate enough memory/.test(message)) {
      throw imageDataTooLarge(
        `input.image (${width}x${height} JPEG) needs more than the ${Math.round(budget / 2 ** 20)} MiB a decode may use`,
      );
    }
    throw invalidImage(`input.image is not a readable JPEG (${message})`);
  }
  return { width: img.width, height: img.height, data: img.data };
}

interface JpegSurvey {
  width: number;
  height: number;
  scans: number;
}

/**
 * Walks the JPEG's markers without decoding: the frame size from the first SOFn, and the
 * number of SOS markers (entropy-coded data is skipped up to the next marker; 0xFF00 is a
 * stuffed byte and 0xFFD0–D7 are restart markers inside the data).
 */
function surveyJpeg(bytes: Uint8Array): JpegSurvey {
  let width = -1;
  let height = -1;
  let scans = 0;
  let at = 2; // after SOI
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) {
      at++; // garbage between segments: jpeg-js tolerates it, so the survey does too
      continue;
    }
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at++;
      continue;
    }
    if (marker === 0xd9) {
      break; // EOI
    }
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && width < 0 && at + 9 <= bytes.length) {
      height = ((bytes[at + 5] ?? 0) << 8) | (bytes[at + 6] ?? 0);
      width = ((bytes[at + 7] ?? 0) << 8) | (bytes[at + 8] ?? 0);
    }
    at += 2 + length;
    if (marker === 0xda) {
      scans++;
      // Skip the entropy-coded data: stop at 0xFF followed by a real marker.
      while (at + 1 < bytes.length) {
        const next = bytes[at + 1] ?? 0;
        if (bytes[at] === 0xff && next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) {
          break;
        }
        at++;
      }
    }
  }
  if (width < 0) {
    throw invalidImage("input.image is a JPEG without a frame header (SOF)");
  }
  return { width, height, scans };
}
