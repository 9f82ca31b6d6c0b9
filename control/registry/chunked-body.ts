/**
 * @module
 * A byte range of a file stored as chunks, streamed chunk by chunk from the blob store, so a
 * 100 MB model is never held in memory whole. A stored chunk whose length differs from the
 * manifest's breaks the stream: the body ends short (the client's hash check rejects it),
 * never longer than `Content-Length`.
 */
import type { ChunkRef } from "../../shared/manifest/model-manifest.ts";
import type { BlobStore } from "../../shared/ports/blob-store.ts";

export function chunkedBody(
  blobs: BlobStore,
  chunks: readonly ChunkRef[],
  start: number,
  end: number,
): ReadableStream<Uint8Array> {
  // The chunks overlapping [start, end), with the part of each to send.
  const parts: Array<{ chunk: ChunkRef; from: number; to: number }> = [];
  let offset = 0;
  for (const chunk of chunks) {
    const chunkEnd = offset + chunk.size;
    if (chunkEnd > start && offset < end) {
      parts.push({ chunk, from: Math.max(start, offset) - offset, to: Math.min(end, chunkEnd) - offset });
    }
    offset = chunkEnd;
  }
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const part = parts[next++];
      if (!part) {
        controller.close();
        return;
      }
      const bytes = await blobs.get(part.chunk.sha256);
      if (!bytes || bytes.byteLength !== part.chunk.size) {
        controller.error(new Error(`chunk ${part.chunk.sha256} is missing or has the wrong length`));
        return;
      }
      controller.enqueue(bytes.subarray(part.from, part.to));
    },
  });
}
