/**
 * @module
 * The stable 400 answers of image decoding. Three codes, so a client can tell "send a smaller
 * picture" from "this file is hostile or broken":
 * - `image_too_large`: the declared dimensions exceed the model's pixel cap;
 * - `image_data_too_large`: the dimensions are fine but the compressed data would expand past
 *   what they need (a decompression bomb), or the decoder's memory or scan budget is exceeded;
 * - `invalid_image`: not a PNG or JPEG, truncated, or malformed.
 */
import { ApiError } from "../errors.ts";

export function invalidImage(message: string): ApiError {
  return new ApiError(400, "invalid_image", message, { param: "input.image" });
}

export function imageTooLarge(message: string): ApiError {
  return new ApiError(400, "image_too_large", message, { param: "input.image" });
}

export function imageDataTooLarge(message: string): ApiError {
  return new ApiError(400, "image_data_too_large", message, { param: "input.image" });
}

/** Refuses empty images and images whose declared size is over the pixel cap, before any pixel is allocated. */
export function checkDimensions(width: number, height: number, maxPixels: number): void {
  if (width === 0 || height === 0) {
    throw invalidImage("input.image has no pixels");
  }
  if (width * height > maxPixels) {
    throw imageTooLarge(`input.image is ${width}x${height}; at most ${maxPixels} pixels are accepted`);
  }
}
