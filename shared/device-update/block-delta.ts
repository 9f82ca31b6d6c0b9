/**
 * @module
 * Sub-chunk deltas: when one tensor of a model changes, the changed content-defined chunks
 * also carry unchanged bytes around the tensor (a 64 KiB average chunk, a tensor edge anywhere
 * inside it). For each chunk to download, the device asks the registry for the chunk's block
 * hashes (`GET /chunks/<sha256>/blocks`, unsigned, 8 bytes per 4 KiB block), looks for each
 * block at the same place in the installed older version of the file — at the chunk's own
 * offset, and shifted the way the nearest unchanged chunks before and after it moved — and
 * downloads only the blocks it did not find.
 *
 * Nothing here is trusted: the guessed chunk is verified whole against the signed manifest,
 * and a wrong guess (or a forged hint) costs one re-download of that chunk, no more.
 */
import { blockCount, blockHash, BLOCK_SIZE, parseBlockHashes, BLOCK_HASH_BYTES } from "../chunking/block-hashes.ts";
import type { Fetch } from "../tuf/download.ts";
import { fetchCapped } from "../tuf/download.ts";
import type { FilePlan, PlacedChunk } from "./chunk-plan.ts";
import type { InstalledFile } from "./device-store.ts";
import type { WantedChunk } from "./range-download.ts";
import type { RefineContext } from "./updater.ts";

export interface BlockDeltaOptions {
  /** Chunks smaller than this are downloaded whole: the hint request would not pay off. */
  minChunkBytes?: number;
}

/** Where the bytes of a new chunk may lie in the old file: offsets to add (old = new + shift). */
function candidateShifts(chunk: WantedChunk, newChunks: readonly PlacedChunk[], old: InstalledFile): number[] {
  const oldOffsets = new Map(old.chunks.map((c) => [c.sha256, c.offset]));
  const shifts = new Set<number>([0]);
  const at = newChunks.findIndex((c) => c.offset === chunk.offset);
  for (let i = at - 1; i >= 0; i--) {
    const c = newChunks[i];
    const o = c ? oldOffsets.get(c.sha256) : undefined;
    if (c && o !== undefined) {
      shifts.add(o - c.offset);
      break;
    }
  }
  for (let i = at + 1; i < newChunks.length; i++) {
    const c = newChunks[i];
    const o = c ? oldOffsets.get(c.sha256) : undefined;
    if (c && o !== undefined) {
      shifts.add(o - c.offset);
      break;
    }
  }
  shifts.add(old.size - (newChunks.at(-1)?.offset ?? 0) - (newChunks.at(-1)?.size ?? 0));
  return [...shifts];
}

/** [start, end) runs of the blocks not found, inside the chunk. */
function holes(found: readonly boolean[], size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  found.forEach((ok, i) => {
    if (ok) {
      return;
    }
    const start = i * BLOCK_SIZE;
    const end = Math.min(size, start + BLOCK_SIZE);
    const last = out.at(-1);
    if (last && last[1] === start) {
      last[1] = end;
    } else {
      out.push([start, end]);
    }
  });
  return out;
}

async function guess(
  chunk: WantedChunk,
  hints: readonly string[],
  shifts: readonly number[],
  old: InstalledFile,
): Promise<{ base: Uint8Array; found: boolean[] }> {
  const base = new Uint8Array(chunk.size);
  const found = hints.map(() => false);
  for (const shift of shifts) {
    const start = chunk.offset + shift;
    if (start >= old.size || start + chunk.size <= 0) {
      continue;
    }
    const from = Math.max(0, start);
    const bytes = await old.read(from, Math.min(old.size, start + chunk.size) - from);
    for (let i = 0; i < hints.length; i++) {
      if (found[i]) {
        continue;
      }
      const blockStart = i * BLOCK_SIZE;
      const blockEnd = Math.min(chunk.size, blockStart + BLOCK_SIZE);
      const lo = blockStart + start - from;
      const hi = blockEnd + start - from;
      if (lo < 0 || hi > bytes.byteLength) {
        continue;
      }
      const block = bytes.subarray(lo, hi);
      if ((await blockHash(block)) === hints[i]) {
        base.set(block, blockStart);
        found[i] = true;
      }
    }
  }
  return { base, found };
}

async function fetchHints(fetch: Fetch, server: string, chunk: WantedChunk): Promise<string[] | null> {
  try {
    const url = `${server}chunks/${chunk.sha256}/blocks`;
    const bytes = await fetchCapped(fetch, url, blockCount(chunk.size) * BLOCK_HASH_BYTES, url);
    return bytes ? parseBlockHashes(bytes, chunk.size) : null;
  } catch {
    // A registry without hints, or a broken answer: download the chunk whole.
    return null;
  }
}

/** A `refine` step for `syncDevice` that turns wanted chunks into wanted blocks where it can. */
export function blockDeltaRefiner(
  options: BlockDeltaOptions = {},
): (plan: FilePlan, ctx: RefineContext) => Promise<void> {
  const minChunkBytes = options.minChunkBytes ?? 2 * BLOCK_SIZE;
  return async (plan, ctx) => {
    const old = await ctx.store.chunks.installedFile(ctx.model, plan.file.name);
    if (!old) {
      return;
    }
    for (const chunk of plan.wanted) {
      if (chunk.size < minChunkBytes) {
        continue;
      }
      const hints = await fetchHints(ctx.fetch, ctx.server, chunk);
      if (!hints) {
        continue;
      }
      const { base, found } = await guess(chunk, hints, candidateShifts(chunk, plan.chunks, old), old);
      if (found.some(Boolean)) {
        chunk.base = base;
        chunk.fetch = holes(found, chunk.size);
      }
    }
  };
}
