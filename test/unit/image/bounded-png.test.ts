import { decode as fastPngDecode } from "fast-png";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeImage } from "../../../shared/image/decode-image.ts";
import { ihdr, pngBomb, pngChunk, pngFile, zlibZeros } from "../../support/png-bomb.ts";
import { encodeTestPng, type TestImage } from "./encode-test-png.ts";
import { codeOf } from "../../support/api-error-code.ts";

/** The conversion the first decoder applied to fast-png's output (high byte of 16-bit, alpha ignored). */
function viaFastPng(bytes: Uint8Array): Uint8Array {
  const png = fastPngDecode(bytes);
  const out = new Uint8Array(png.width * png.height * 3);
  const shift = png.depth === 16 ? 8 : 0;
  for (let i = 0; i < png.width * png.height; i++) {
    const px = png.palette
      ? (png.palette[png.data[i] ?? 0] ?? [0, 0, 0]).slice(0, 3)
      : png.channels <= 2
        ? Array(3).fill((png.data[i * png.channels] ?? 0) >> shift)
        : [0, 1, 2].map((c) => (png.data[i * png.channels + c] ?? 0) >> shift);
    out.set(px, i * 3);
  }
  return out;
}

function pseudoRandomSamples(count: number, depth: number, seed: number): Uint16Array {
  const out = new Uint16Array(count);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    // Smooth runs plus noise, so every filter meets both small and large differences.
    out[i] = ((i % 7 < 4 ? i * 3 : s >>> 8) & ((1 << depth) - 1)) >>> 0;
  }
  return out;
}

/**
 * Memory a call adds: ArrayBuffer bytes still held right after it, and growth of the process's
 * peak resident set (maxRSS is a high-water mark, so it also catches buffers already collected).
 */
function memoryGrowth(fn: () => void): { arrayBuffers: number; peakRss: number } {
  const before = { arrayBuffers: process.memoryUsage().arrayBuffers, peakRss: process.resourceUsage().maxRSS * 1024 };
  fn();
  return {
    arrayBuffers: process.memoryUsage().arrayBuffers - before.arrayBuffers,
    peakRss: process.resourceUsage().maxRSS * 1024 - before.peakRss,
  };
}

function rgb4x4(raw: Uint8Array): Uint8Array {
  return pngFile([ihdr(4, 4, 8, 2), pngChunk("IDAT", deflateSync(raw)), pngChunk("IEND", new Uint8Array(0))]);
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

describe("bounded PNG decoding: valid images", () => {
  const cases: Pick<TestImage, "colorType" | "depth">[] = [
    { colorType: 0, depth: 8 },
    { colorType: 0, depth: 16 },
    { colorType: 2, depth: 8 },
    { colorType: 2, depth: 16 },
    { colorType: 3, depth: 8 },
    { colorType: 4, depth: 8 },
    { colorType: 4, depth: 16 },
    { colorType: 6, depth: 8 },
    { colorType: 6, depth: 16 },
  ];
  const sizes = [
    [1, 1],
    [13, 7],
    [33, 17],
  ] as const;

  for (const { colorType, depth } of cases) {
    for (const interlaced of [false, true]) {
      it(`matches fast-png for colour type ${colorType}, ${depth}-bit${interlaced ? ", Adam7" : ""}`, () => {
        for (const [width, height] of sizes) {
          const channels = CHANNELS[colorType];
          const samples =
            colorType === 3
              ? pseudoRandomSamples(width * height, 8, width).map((v) => v % 200) // some indexes past a 180-entry palette
              : pseudoRandomSamples(width * height * channels, depth, width * 31 + height);
          const palette = colorType === 3 ? Uint8Array.from({ length: 180 * 3 }, (_, i) => (i * 37) % 256) : undefined;
          const png = encodeTestPng({ width, height, depth, colorType, interlaced, samples, palette });
          const img = decodeImage(png, 10_000);
          expect([img.width, img.height]).toEqual([width, height]);
          expect(Buffer.from(img.data).equals(Buffer.from(viaFastPng(png)))).toBe(true);
        }
      });
    }
  }

  it("decodes 1-, 2- and 4-bit grey (scaled to 0..255) and palette images, Adam7 or not", () => {
    // fast-png leaves sub-byte samples packed, so these are checked against the samples themselves.
    for (const depth of [1, 2, 4] as const) {
      for (const interlaced of [false, true]) {
        const [width, height] = [11, 9];
        const samples = pseudoRandomSamples(width * height, depth, depth);
        const grey = decodeImage(encodeTestPng({ width, height, depth, colorType: 0, interlaced, samples }), 1000);
        const scale = 255 / ((1 << depth) - 1);
        expect(Array.from(grey.data.filter((_, i) => i % 3 === 0))).toEqual(Array.from(samples, (v) => v * scale));
        const palette = Uint8Array.from({ length: (1 << depth) * 3 }, (_, i) => (i * 53) % 256);
        const indexed = decodeImage(
          encodeTestPng({ width, height, depth, colorType: 3, interlaced, samples, palette }),
          1000,
        );
        expect(Array.from(indexed.data)).toEqual(
          Array.from(samples).flatMap((v) => [...palette.subarray(v * 3, v * 3 + 3)]),
        );
      }
    }
  });
});

describe("bounded PNG decoding: hostile and broken files", () => {
  it("never inflates ancillary chunks: an iCCP profile that inflates to 128 MiB is skipped", () => {
    const image = encodeTestPng({
      width: 2,
      height: 2,
      depth: 8,
      colorType: 2,
      interlaced: false,
      samples: new Uint16Array(12).fill(9),
    });
    const iccp = pngChunk(
      "iCCP",
      new Uint8Array([...new TextEncoder().encode("bomb\0\0"), ...zlibZeros(128 * 2 ** 20)]),
    );
    const withProfile = new Uint8Array([...image.subarray(0, 33), ...iccp, ...image.subarray(33)]);
    const growth = memoryGrowth(() => {
      expect(Array.from(decodeImage(withProfile, 100).data.subarray(0, 3))).toEqual([9, 9, 9]);
    });
    // fast-png inflated the whole profile (and this test ran first so that its peak shows).
    expect(growth.peakRss).toBeLessThan(32 * 2 ** 20);
    expect(growth.arrayBuffers).toBeLessThan(8 * 2 ** 20);
  });

  it("refuses a 64×64 PNG whose data inflates to 64 MiB with image_data_too_large, without the memory", () => {
    const bomb = pngBomb(64 * 2 ** 20);
    const growth = memoryGrowth(() => {
      expect(codeOf(() => decodeImage(bomb, 4_194_304))).toBe("image_data_too_large");
    });
    // The old decoder inflated all 64 MiB (and answered 200 with the first 64 rows).
    expect(growth.arrayBuffers).toBeLessThan(8 * 2 ** 20);
    expect(growth.peakRss).toBeLessThan(32 * 2 ** 20);
  });

  it("refuses data that inflates one byte past the declared scanlines, and accepts the exact size", () => {
    const exact = 4 * (1 + 4 * 3);
    expect(decodeImage(rgb4x4(new Uint8Array(exact).fill(0)), 100).width).toBe(4);
    expect(codeOf(() => decodeImage(rgb4x4(new Uint8Array(exact + 1)), 100))).toBe("image_data_too_large");
    expect(codeOf(() => decodeImage(rgb4x4(new Uint8Array(exact - 1)), 100))).toBe("invalid_image");
  });

  it("refuses broken structure with invalid_image and oversized headers with image_too_large", () => {
    const idat = pngChunk("IDAT", deflateSync(new Uint8Array(2 * 7)));
    const end = pngChunk("IEND", new Uint8Array(0));
    expect(
      codeOf(() => decodeImage(pngFile([ihdr(2, 2, 8, 2), pngChunk("ABCD", new Uint8Array(1)), idat, end]), 9)),
    ).toBe("invalid_image");
    expect(codeOf(() => decodeImage(pngFile([ihdr(2, 2, 8, 2), idat]), 9))).toBe("invalid_image"); // no IEND
    expect(codeOf(() => decodeImage(pngFile([ihdr(2, 2, 8, 3), idat, end]), 9))).toBe("invalid_image"); // no PLTE
    expect(codeOf(() => decodeImage(pngFile([ihdr(2, 2, 3, 2), idat, end]), 9))).toBe("invalid_image"); // bad depth
    expect(codeOf(() => decodeImage(pngFile([idat, end]), 9))).toBe("invalid_image");
    expect(
      codeOf(() => decodeImage(pngFile([ihdr(2, 2, 8, 2), pngChunk("IDAT", new Uint8Array([1, 2, 3])), end]), 9)),
    ).toBe("invalid_image");
    expect(codeOf(() => decodeImage(pngBomb(16 * 2 ** 20, 5000, 5000), 4_194_304))).toBe("image_too_large");
  });
});
