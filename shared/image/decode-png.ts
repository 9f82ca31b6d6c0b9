/**
 * @module
 * Bounded PNG decoding. The header's dimensions are checked against the pixel cap before
 * anything is allocated; then the IDAT stream is inflated incrementally and refused with
 * `image_data_too_large` the moment it produces more bytes than the header's scanlines need
 * (png-layout.ts): a 64×64 PNG whose data inflates to 1 GiB stops after at most 4 MiB of output.
 * Ancillary chunks are skipped without being read (so a compressed iCCP/zTXt/iTXt is never
 * inflated); unknown critical chunks are refused, as the PNG spec requires.
 */
import { ApiError } from "../errors.ts";
import { BoundedInflater, InflateBudgetExceeded } from "./bounded-inflate.ts";
import { checkDimensions, imageDataTooLarge, invalidImage } from "./image-errors.ts";
import { isCritical, parseIhdr, pngChunks } from "./png-chunks.ts";
import { inflatedByteLength, type PngHeader } from "./png-layout.ts";
import { PngScanlineWriter } from "./png-scanlines.ts";
import type { RgbImage } from "./rgb-image.ts";

export function decodePng(bytes: Uint8Array, maxPixels: number): RgbImage {
  const chunks = pngChunks(bytes);
  const first = chunks.next();
  if (first.done || first.value.type !== "IHDR") {
    throw invalidImage("input.image is a PNG without a header (IHDR) first");
  }
  const header = parseIhdr(first.value.data);
  checkDimensions(header.width, header.height, maxPixels);

  let palette: Uint8Array | undefined;
  let writer: PngScanlineWriter | undefined;
  let inflater: BoundedInflater | undefined;
  const budget = inflatedByteLength(header);
  try {
    for (const { type, data } of chunks) {
      if (type === "IDAT") {
        if (!writer) {
          writer = startImage(header, palette);
          const sink = writer;
          inflater = new BoundedInflater(budget, (out) => sink.write(out));
        }
        inflater?.push(data);
      } else if (type === "PLTE") {
        if (palette || writer) {
          throw invalidImage("input.image has a misplaced or repeated PNG palette (PLTE)");
        }
        palette = readPalette(data);
      } else if (type === "IHDR") {
        throw invalidImage("input.image has a second PNG header (IHDR)");
      } else if (type !== "IEND" && isCritical(type)) {
        throw invalidImage(`input.image has an unknown critical PNG chunk ${type}`);
      }
    }
    if (!writer || !inflater) {
      throw invalidImage("input.image is a PNG without image data (IDAT)");
    }
    inflater.finish();
    return writer.finish();
  } catch (error) {
    if (error instanceof InflateBudgetExceeded) {
      throw imageDataTooLarge(
        `input.image's PNG data inflates past the ${budget} bytes its ${header.width}x${header.height} pixels need`,
      );
    }
    if (error instanceof Error && !(error instanceof ApiError)) {
      // fflate's errors: corrupt deflate data, an unexpected end of the stream.
      throw invalidImage(`input.image has unreadable PNG image data (${error.message})`);
    }
    throw error;
  }
}

function startImage(header: PngHeader, palette: Uint8Array | undefined): PngScanlineWriter {
  if (header.colorType === 3 && !palette) {
    throw invalidImage("input.image is a palette PNG without a palette (PLTE)");
  }
  return new PngScanlineWriter(header, header.colorType === 3 ? palette : undefined);
}

/** 256 RGB entries; indexes past the file's palette read as black. */
function readPalette(data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % 3 !== 0 || data.length > 256 * 3) {
    throw invalidImage("input.image has a malformed PNG palette (PLTE)");
  }
  const palette = new Uint8Array(256 * 3);
  palette.set(data);
  return palette;
}
