/**
 * @module
 * PNG and JPEG decoding in pure JavaScript (fast-png, jpeg-js): both run in workerd, where
 * native or wasm-from-bytes decoders cannot. Dimensions are checked against a pixel cap
 * before the pixels are allocated.
 */
import { decode as decodePng, hasPngSignature } from "fast-png";
import jpeg from "jpeg-js";
import { ApiError } from "../errors.ts";
import type { RgbImage } from "./rgb-image.ts";

export function decodeImage(bytes: Uint8Array, maxPixels: number): RgbImage {
  if (hasPngSignature(bytes)) {
    return decodePngImage(bytes, maxPixels);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    return decodeJpegImage(bytes, maxPixels);
  }
  throw invalid("input.image must be a PNG or JPEG file");
}

function decodePngImage(bytes: Uint8Array, maxPixels: number): RgbImage {
  // IHDR sits at a fixed offset: width and height are big-endian at bytes 16 and 20.
  if (bytes.length < 24) {
    throw invalid("input.image is a truncated PNG");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkSize(view.getUint32(16), view.getUint32(20), maxPixels);
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (error) {
    throw invalid(`input.image is not a readable PNG (${error instanceof Error ? error.message : "decode failed"})`);
  }
  const { width, height, channels, depth, palette } = png;
  const out = new Uint8Array(width * height * 3);
  const src = png.data;
  const shift = depth === 16 ? 8 : 0; // 16-bit samples keep their high byte
  for (let i = 0; i < width * height; i++) {
    let r: number;
    let g: number;
    let b: number;
    if (palette) {
      const entry = palette[src[i] ?? 0] ?? [0, 0, 0];
      [r, g, b] = [entry[0] ?? 0, entry[1] ?? 0, entry[2] ?? 0];
    } else if (channels <= 2) {
      r = g = b = (src[i * channels] ?? 0) >> shift;
    } else {
      r = (src[i * channels] ?? 0) >> shift;
      g = (src[i * channels + 1] ?? 0) >> shift;
      b = (src[i * channels + 2] ?? 0) >> shift;
    }
    out[i * 3] = r;
    out[i * 3 + 1] = g;
    out[i * 3 + 2] = b;
  }
  return { width, height, data: out };
}

function decodeJpegImage(bytes: Uint8Array, maxPixels: number): RgbImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 1e6),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : "decode failed";
    if (/resolution|memory/i.test(message)) {
      throw new ApiError(400, "image_too_large", `input.image is larger than ${maxPixels} pixels`, {
        param: "input.image",
      });
    }
    throw invalid(`input.image is not a readable JPEG (${message})`);
  }
  checkSize(img.width, img.height, maxPixels);
  return { width: img.width, height: img.height, data: img.data };
}

function checkSize(width: number, height: number, maxPixels: number): void {
  if (width === 0 || height === 0) {
    throw invalid("input.image has no pixels");
  }
  if (width * height > maxPixels) {
    throw new ApiError(
      400,
      "image_too_large",
      `input.image is ${width}x${height}; at most ${maxPixels} pixels are accepted`,
      {
        param: "input.image",
      },
    );
  }
}

function invalid(message: string): ApiError {
  return new ApiError(400, "invalid_image", message, { param: "input.image" });
}
