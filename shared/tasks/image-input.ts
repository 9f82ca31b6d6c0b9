/**
 * @module
 * An image in a request: base64 of a PNG or JPEG file, or a `data:` URL of one.
 */
import { z } from "zod";
import { base64ToBytes } from "../base64.ts";
import { ApiError } from "../errors.ts";
import { decodeImage } from "../image/decode-image.ts";
import type { RgbImage } from "../image/rgb-image.ts";

export const ImageSchema = z.string().min(8);

export function readImage(image: string, maxPixels: number): RgbImage {
  const payload = image.startsWith("data:") ? image.slice(image.indexOf(",") + 1) : image;
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(payload);
  } catch {
    throw new ApiError(400, "invalid_image", "input.image must be base64 (or a data: URL) of a PNG or JPEG", {
      param: "input.image",
    });
  }
  return decodeImage(bytes, maxPixels);
}
