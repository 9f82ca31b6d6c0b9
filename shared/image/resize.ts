/**
 * @module
 * Bilinear resizing of RGB images (half-pixel centres, as OpenCV's INTER_LINEAR, which the
 * PaddleOCR preprocessing uses).
 */
import type { RgbImage } from "./rgb-image.ts";

export function resizeBilinear(src: RgbImage, width: number, height: number): RgbImage {
  if (width === src.width && height === src.height) {
    return src;
  }
  const out = new Uint8Array(width * height * 3);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), src.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, src.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), src.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, src.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = src.data[(y0 * src.width + x0) * 3 + c] ?? 0;
        const b = src.data[(y0 * src.width + x1) * 3 + c] ?? 0;
        const d = src.data[(y1 * src.width + x0) * 3 + c] ?? 0;
        const e = src.data[(y1 * src.width + x1) * 3 + c] ?? 0;
        const top = a + (b - a) * wx;
        const bottom = d + (e - d) * wx;
        out[(y * width + x) * 3 + c] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { width, height, data: out };
}

/** Copies a rectangle out of an image (clamped to its bounds). */
export function crop(src: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const w = Math.max(1, Math.min(src.width - x0, Math.ceil(width)));
  const h = Math.max(1, Math.min(src.height - y0, Math.ceil(height)));
  const out = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const from = ((y0 + row) * src.width + x0) * 3;
    out.set(src.data.subarray(from, from + w * 3), row * w * 3);
  }
  return { width: w, height: h, data: out };
}
