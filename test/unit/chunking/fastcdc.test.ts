// Content-defined chunking: fixed vectors pin the gear table and the cut points (changing
// either would re-chunk every stored model and lose all dedupe), sizes stay in bounds, and a
// small edit changes only the chunks around it.
import { describe, expect, it } from "vitest";
import { chunkFile } from "../../../shared/chunking/chunk-bytes.ts";
import { chunkLengths, DEFAULT_CHUNKING } from "../../../shared/chunking/fastcdc.ts";
import { GEAR } from "../../../shared/chunking/gear-table.ts";
import { sha256Hex } from "../../../shared/crypto/sha256.ts";

/** xorshift32 bytes: the same input on every machine. */
function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe("FastCDC test vectors", () => {
  it("has the pinned gear table", async () => {
    expect(Array.from(GEAR.subarray(0, 4))).toEqual([-1428879126, 34900580, -2082228608, 503910110]);
    expect(await sha256Hex(new Uint8Array(GEAR.buffer))).toBe(
      "d359b17e6c417ba63d4668285339b9a203e062221bd812c6f213acedae2b9823",
    );
  });

  it("cuts 1 MiB of xorshift32(42) bytes at the pinned points (16/64/256 KiB)", async () => {
    const data = pseudoRandom(1 << 20, 42);
    expect(chunkLengths(data)).toEqual([
      82381, 56171, 47521, 125234, 75497, 102070, 127615, 106660, 72003, 97836, 85909, 19649, 50030,
    ]);
    const file = await chunkFile(data);
    expect(file.sha256).toBe("60224cc0ee6a85e01de2689249737aa818d2f76f0d8e7f529036c3151d44a486");
    expect(file.chunks.slice(0, 3).map((c) => c.sha256)).toEqual([
      "06123035f217d63327f3a57f5efaf2810b0e8c99a64c51c6da91935069eb7d1f",
      "b207eed0d5c5b0c31b0501c292ee5ce3760d3f83f33f004b65fc62332b9f676d",
      "33102f83c395410a68aeba5f510baec9f7f114f2ff5576b9b4f0493e91a48ea3",
    ]);
  });

  it("cuts with other parameters (2/8/32 KiB) at the pinned points", () => {
    expect(chunkLengths(pseudoRandom(300_000, 7), { minSize: 2048, avgSize: 8192, maxSize: 32768 })).toEqual([
      9325, 12949, 3829, 11388, 8846, 5520, 8589, 14628, 11448, 3443, 9038, 15335, 9689, 3160, 4555, 10501, 17632, 9887,
      12593, 8368, 8272, 13677, 28726, 5472, 31115, 9716, 12299,
    ]);
  });
});

describe("FastCDC bounds", () => {
  it("keeps every chunk but the last within min and max, and covers the input exactly", () => {
    const data = pseudoRandom(8 << 20, 1);
    const lengths = chunkLengths(data);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(data.byteLength);
    for (const l of lengths.slice(0, -1)) {
      expect(l).toBeGreaterThanOrEqual(DEFAULT_CHUNKING.minSize);
      expect(l).toBeLessThanOrEqual(DEFAULT_CHUNKING.maxSize);
    }
    const mean = data.byteLength / lengths.length;
    expect(mean).toBeGreaterThan(48 * 1024);
    expect(mean).toBeLessThan(96 * 1024);
  });

  it("cuts data without content boundaries (all zeros) at the maximum size", () => {
    expect(chunkLengths(new Uint8Array(600 * 1024))).toEqual([262144, 262144, 90112]);
  });

  it("returns no chunk for empty input and one for input below the minimum", () => {
    expect(chunkLengths(new Uint8Array(0))).toEqual([]);
    expect(chunkLengths(new Uint8Array(1000))).toEqual([1000]);
  });

  it("refuses parameters that are not a power-of-two average between min and max", () => {
    expect(() => chunkLengths(new Uint8Array(10), { minSize: 10, avgSize: 1000, maxSize: 5000 })).toThrow(RangeError);
    expect(() => chunkLengths(new Uint8Array(10), { minSize: 5000, avgSize: 4096, maxSize: 9000 })).toThrow(RangeError);
  });
});

describe("FastCDC locality", () => {
  it("an insertion in the middle of 4 MiB changes at most the two chunks around it", async () => {
    const original = pseudoRandom(4 << 20, 99);
    const edited = new Uint8Array(original.byteLength + 100);
    const at = 2_000_000;
    edited.set(original.subarray(0, at));
    edited.set(pseudoRandom(100, 5), at);
    edited.set(original.subarray(at), at + 100);
    const before = new Set((await chunkFile(original)).chunks.map((c) => c.sha256));
    const after = (await chunkFile(edited)).chunks;
    const changed = after.filter((c) => !before.has(c.sha256));
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect(changed.length).toBeLessThanOrEqual(2);
    expect(after.length - changed.length).toBeGreaterThan(before.size - 4);
  });
});
