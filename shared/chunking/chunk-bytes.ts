/**
 * @module
 * Splits a file into content-defined chunks and names each by its sha256, the form a
 * manifest lists them in and a BlobStore stores them under.
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { chunkLengths, type ChunkingParams, DEFAULT_CHUNKING } from "./fastcdc.ts";

export interface Chunk {
  sha256: string;
  size: number;
  /** Where the chunk starts in the file. */
  offset: number;
}

export interface ChunkedFile {
  sha256: string;
  size: number;
  chunks: Chunk[];
}

/** Chunks and hashes a whole file; the views returned by `chunkBytes` share the file's buffer. */
export async function chunkFile(bytes: Uint8Array, params: ChunkingParams = DEFAULT_CHUNKING): Promise<ChunkedFile> {
  const chunks: Chunk[] = [];
  let offset = 0;
  for (const size of chunkLengths(bytes, params)) {
    chunks.push({ sha256: await sha256Hex(bytes.subarray(offset, offset + size)), size, offset });
    offset += size;
  }
  return { sha256: await sha256Hex(bytes), size: bytes.byteLength, chunks };
}

/** The bytes of one chunk of a file (a view, not a copy). */
export function chunkBytes(file: Uint8Array, chunk: Chunk): Uint8Array {
  return file.subarray(chunk.offset, chunk.offset + chunk.size);
}
