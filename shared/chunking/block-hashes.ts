/**
 * @module
 * Block hashes of a chunk: the first 8 bytes of the sha256 of every 4 KiB block (the last one
 * may be shorter), concatenated. A registry serves them next to each chunk as an unsigned
 * hint; a device that holds an older version of the file compares them with the blocks at the
 * same place in its copy and downloads only the blocks that differ. A wrong or forged hint can
 * only cost bytes: the assembled chunk must still hash to the sha256 the signed manifest gives.
 */
import { sha256Hex } from "../crypto/sha256.ts";

export const BLOCK_SIZE = 4096;
export const BLOCK_HASH_BYTES = 8;

export function blockCount(size: number): number {
  return Math.ceil(size / BLOCK_SIZE);
}

/** The truncated sha256 of one block, as hex (16 characters). */
export async function blockHash(block: Uint8Array): Promise<string> {
  return (await sha256Hex(block)).slice(0, BLOCK_HASH_BYTES * 2);
}

/** Every block's truncated hash, concatenated (what the registry serves). */
export async function blockHashes(chunk: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(blockCount(chunk.byteLength) * BLOCK_HASH_BYTES);
  for (let i = 0; i * BLOCK_SIZE < chunk.byteLength; i++) {
    const digest = new Uint8Array(
      await crypto.subtle.digest(
        "SHA-256",
        chunk.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE) as Uint8Array<ArrayBuffer>,
      ),
    );
    out.set(digest.subarray(0, BLOCK_HASH_BYTES), i * BLOCK_HASH_BYTES);
  }
  return out;
}

/** Splits served block hashes into hex strings, one per block; null if the length is wrong. */
export function parseBlockHashes(bytes: Uint8Array, chunkSize: number): string[] | null {
  if (bytes.byteLength !== blockCount(chunkSize) * BLOCK_HASH_BYTES) {
    return null;
  }
  const out: string[] = [];
  for (let i = 0; i < bytes.byteLength; i += BLOCK_HASH_BYTES) {
    out.push([...bytes.subarray(i, i + BLOCK_HASH_BYTES)].map((b) => b.toString(16).padStart(2, "0")).join(""));
  }
  return out;
}
