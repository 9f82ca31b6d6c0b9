/**
 * @module
 * A fetch that counts every response body byte that arrives: what a device's sync really
 * downloads (metadata, manifests, chunks, and whatever a misbehaving server adds), the figure
 * the `device` bench reports.
 */
import type { Fetch } from "../tuf/download.ts";

export interface CountingFetch {
  fetch: Fetch;
  /** Body bytes received so far. */
  readonly bytes: number;
}

/** Statuses whose responses can carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function countingFetch(inner: Fetch): CountingFetch {
  let bytes = 0;
  const counted: Fetch = async (input, init) => {
    const response = await inner(input, init);
    if (!response.body || NULL_BODY.has(response.status)) {
      return response;
    }
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: counted,
    get bytes() {
      return bytes;
    },
  };
}
