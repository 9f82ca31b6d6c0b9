/**
 * @module
 * The PNG container, read by hand so the decoder controls every allocation: the signature,
 * the chunk walk (length, type, data, CRC — the CRC is not checked, a damaged file fails in
 * the inflater or the filters instead), and the IHDR fields.
 */
import { invalidImage } from "./image-errors.ts";
import { isColorType, isDepthAllowed, type PngHeader } from "./png-layout.ts";

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10] as const;

/** The PNG spec's largest chunk length (2^31 - 1). */
const MAX_CHUNK_LENGTH = 0x7fffffff;

export interface PngChunk {
  /** Four ASCII letters; an upper-case first letter marks a critical chunk. */
  type: string;
  /** A view into the file, not a copy. */
  data: Uint8Array;
}

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The chunks after the signature, in file order, up to and including IEND (a file without IEND is truncated). */
export function* pngChunks(bytes: Uint8Array): Generator<PngChunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE.length;
  for (;;) {
    if (offset + 12 > bytes.length) {
      throw invalidImage("input.image is a truncated PNG (no IEND chunk)");
    }
    const length = view.getUint32(offset);
    const typeBytes = bytes.subarray(offset + 4, offset + 8);
    if (!typeBytes.every(isAsciiLetter)) {
      throw invalidImage(`input.image has a malformed PNG chunk at byte ${offset}`);
    }
    if (length > MAX_CHUNK_LENGTH || offset + 12 + length > bytes.length) {
      throw invalidImage("input.image is a truncated PNG (a chunk runs past the end)");
    }
    const type = String.fromCharCode(...typeBytes);
    yield { type, data: bytes.subarray(offset + 8, offset + 8 + length) };
    if (type === "IEND") {
      return;
    }
    offset += 12 + length;
  }
}

export function isCritical(type: string): boolean {
  const first = type.charCodeAt(0);
  return first >= 65 && first <= 90;
}

export function parseIhdr(data: Uint8Array): PngHeader {
  if (data.length !== 13) {
    throw invalidImage("input.image has a malformed PNG header (IHDR)");
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const depth = data[8] ?? 0;
  const colorType = data[9] ?? 0;
  const [compression, filter, interlace] = [data[10], data[11], data[12]];
  if (!isColorType(colorType) || !isDepthAllowed(colorType, depth)) {
    throw invalidImage(`input.image has an invalid PNG colour type ${colorType} with bit depth ${depth}`);
  }
  if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1)) {
    throw invalidImage("input.image uses an unknown PNG compression, filter or interlace method");
  }
  if (width > MAX_CHUNK_LENGTH || height > MAX_CHUNK_LENGTH) {
    throw invalidImage("input.image has a malformed PNG header (IHDR)");
  }
  return { width, height, depth, colorType, interlaced: interlace === 1 };
}

function isAsciiLetter(b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
}
