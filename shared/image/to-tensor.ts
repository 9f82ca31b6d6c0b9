/**
 * @module
 * RGB pixels to the float CHW layout vision models take: scale to [0, 1], subtract the mean,
 * divide by the std, channels in the order the model was trained on (PaddleOCR: BGR).
 */
import type { RgbImage } from "./rgb-image.ts";

export interface Normalisation {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Channel order of the tensor; the mean and std are given in this order too. */
  order: "rgb" | "bgr";
}

/** A [3, height, padWidth] float tensor; columns past the image's width stay 0 (PaddleOCR's padding). */
export function toChw(img: RgbImage, norm: Normalisation, padWidth = img.width): Float32Array {
  const plane = img.height * padWidth;
  const out = new Float32Array(3 * plane);
  const source = norm.order === "bgr" ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const from = source[c] ?? c;
    const mean = norm.mean[c] ?? 0;
    const std = norm.std[c] ?? 1;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const v = (img.data[(y * img.width + x) * 3 + from] ?? 0) / 255;
        out[c * plane + y * padWidth + x] = (v - mean) / std;
      }
    }
  }
  return out;
}
