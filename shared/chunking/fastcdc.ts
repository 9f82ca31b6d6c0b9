/**
 * @module
 * FastCDC content-defined chunking (Xia et al., USENIX ATC 2016: gear hash, cut-point
 * skipping below the minimum size, normalized chunking with a stricter mask below the
 * average size and a looser one above it). Boundaries depend only on nearby bytes, so a
 * small edit to a model changes only the chunks around it and the rest dedupe.
 *
 * Written here rather than taken from npm: no maintained FastCDC package runs in workerd
 * (the npm ones are Node native addons, wasm compiled from bytes at run time — which workerd
 * forbids — or unmaintained), and the algorithm is a few dozen lines.
 */
import { GEAR } from "./gear-table.ts";

export interface ChunkingParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

/** ~64 KiB average: small enough that a changed tensor costs little, large enough that a 100 MB model is ~1,600 chunks. */
export const DEFAULT_CHUNKING: ChunkingParams = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

/** A mask of `bits` ones in the high end of the 32-bit hash: with `h << 1` those bits see the last 32 bytes. */
function highMask(bits: number): number {
  return bits >= 32 ? -1 : (~0 << (32 - bits)) | 0;
}

function checkParams(p: ChunkingParams): number {
  const bits = Math.log2(p.avgSize);
  if (!Number.isInteger(bits) || bits < 8 || bits > 28) {
    throw new RangeError("avgSize must be a power of two between 256 B and 256 MiB");
  }
  if (!(p.minSize > 0 && p.minSize < p.avgSize && p.avgSize < p.maxSize)) {
    throw new RangeError("chunk sizes must satisfy 0 < minSize < avgSize < maxSize");
  }
  return bits;
}

/**
 * Length of the next chunk of `data[start, end)`. Normalization level 1: one more mask bit
 * below the average size makes early cuts rarer, one fewer above it makes late cuts likelier,
 * which narrows the size distribution around the average. Level 2 narrows it further, but
 * then most cuts are "the first weak cut point past the average", which depends on where the
 * previous cut was: after an edit, chunk boundaries took ~10 chunks to fall back in step on
 * PP-OCRv4 rec, against 2 at level 1 (`npm run bench -- chunking`).
 */
function nextCut(
  data: Uint8Array,
  start: number,
  end: number,
  p: ChunkingParams,
  maskS: number,
  maskL: number,
): number {
  let n = end - start;
  if (n <= p.minSize) {
    return n;
  }
  if (n > p.maxSize) {
    n = p.maxSize;
  }
  const normal = Math.min(p.avgSize, n);
  let h = 0;
  let i = p.minSize;
  for (; i < normal; i++) {
    h = ((h << 1) + (GEAR[data[start + i] ?? 0] ?? 0)) | 0;
    if ((h & maskS) === 0) {
      return i + 1;
    }
  }
  for (; i < n; i++) {
    h = ((h << 1) + (GEAR[data[start + i] ?? 0] ?? 0)) | 0;
    if ((h & maskL) === 0) {
      return i + 1;
    }
  }
  return n;
}

/** The chunk lengths of `data`, in order; they add up to `data.byteLength`. An empty input has no chunks. */
export function chunkLengths(data: Uint8Array, params: ChunkingParams = DEFAULT_CHUNKING): number[] {
  const bits = checkParams(params);
  const maskS = highMask(bits + 1);
  const maskL = highMask(bits - 1);
  const lengths: number[] = [];
  let offset = 0;
  while (offset < data.byteLength) {
    const length = nextCut(data, offset, data.byteLength, params, maskS, maskL);
    lengths.push(length);
    offset += length;
  }
  return lengths;
}
