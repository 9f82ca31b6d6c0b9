import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { decodeImage } from "../../../shared/image/decode-image.ts";
import { crop, resizeBilinear } from "../../../shared/image/resize.ts";
import { toChw } from "../../../shared/image/to-tensor.ts";

function gradient(width: number, height: number, channels: 3 | 4): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    data[i * channels] = (i * 7) % 256;
    data[i * channels + 1] = (i * 3) % 256;
    data[i * channels + 2] = 200;
    if (channels === 4) {
      data[i * channels + 3] = 255;
    }
  }
  return data;
}

describe("decodeImage", () => {
  it("decodes RGB and RGBA PNGs to RGB", () => {
    for (const channels of [3, 4] as const) {
      const png = encodePng({ width: 5, height: 4, data: gradient(5, 4, channels), channels, depth: 8 });
      const img = decodeImage(png, 1000);
      expect(img.width).toBe(5);
      expect(img.height).toBe(4);
      expect(Array.from(img.data.subarray(3, 6))).toEqual([7, 3, 200]);
    }
  });

  it("decodes a JPEG (lossy, so approximately)", () => {
    const raw = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(128) };
    const file = jpeg.encode(raw, 95).data;
    const img = decodeImage(new Uint8Array(file), 1000);
    expect(img.width).toBe(16);
    expect(Math.abs((img.data[0] ?? 0) - 128)).toBeLessThan(4);
  });

  it("refuses images over the pixel cap before decoding, and non-images", () => {
    const png = encodePng({ width: 100, height: 100, data: new Uint8Array(100 * 100 * 3), channels: 3, depth: 8 });
    expect(() => decodeImage(png, 9999)).toThrow(/100x100/);
    expect(() => decodeImage(new TextEncoder().encode("GIF89a......"), 9999)).toThrow(/PNG or JPEG/);
    expect(() => decodeImage(png.subarray(0, 40), 1e6)).toThrow(/PNG/);
  });
});

describe("image transforms", () => {
  it("resizes a flat image to the same flat colour and crops inside bounds", () => {
    const flat = { width: 10, height: 10, data: new Uint8Array(300).fill(90) };
    const small = resizeBilinear(flat, 3, 7);
    expect(small.data.every((v) => v === 90)).toBe(true);
    expect(crop(flat, 8, 8, 5, 5)).toMatchObject({ width: 2, height: 2 });
  });

  it("lays out CHW in BGR order with zero padding on the right", () => {
    const img = { width: 1, height: 1, data: new Uint8Array([255, 0, 0]) };
    const t = toChw(img, { mean: [0, 0, 0], std: [1, 1, 1], order: "bgr" }, 2);
    expect(Array.from(t)).toEqual([0, 0, 0, 0, 1, 0]);
  });
});
