/**
 * @module
 * Serves one immutable representation with the HTTP caching and range rules resumable
 * downloads rely on (RFC 9110): a strong `ETag`, `If-None-Match` → 304, a single
 * `Range: bytes=…` → 206 with `Content-Range`, `If-Range` that only honours the range when the
 * ETag still matches (a changed file restarts from 0, never splices), 416 past the end.
 * Multi-range requests get the whole body (allowed by the RFC). The body is never longer than
 * `Content-Length`.
 */

export interface Representation {
  size: number;
  /** Strong entity tag, quoted. */
  etag: string;
  contentType: string;
  cacheControl: string;
  /** The bytes [start, end) — end is exclusive. */
  body(start: number, end: number): ReadableStream<Uint8Array> | Uint8Array;
}

/** [start, end) of a single `bytes=` range, "unsatisfiable", or null to send the whole body. */
function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) {
    return null;
  }
  if (m[1] === "") {
    const suffix = Number(m[2]);
    return suffix === 0 ? "unsatisfiable" : [Math.max(0, size - suffix), size];
  }
  const start = Number(m[1]);
  const last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || last < start) {
    return "unsatisfiable";
  }
  return [start, last + 1];
}

function etagListMatches(header: string, etag: string): boolean {
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag === `W/${etag}`;
  });
}

export function serveRepresentation(request: Request, rep: Representation): Response {
  const headers = new Headers({
    etag: rep.etag,
    "cache-control": rep.cacheControl,
    "accept-ranges": "bytes",
    "content-type": rep.contentType,
  });
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch !== null && etagListMatches(ifNoneMatch, rep.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const rangeHeader = request.headers.get("range");
  const ifRange = request.headers.get("if-range");
  // If-Range needs a strong match: a weak tag or a date never validates a range.
  const rangeAllowed = rangeHeader !== null && (ifRange === null || ifRange === rep.etag);
  const range = rangeAllowed ? parseRange(rangeHeader, rep.size) : null;
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${rep.size}`);
    headers.delete("content-type");
    return new Response(null, { status: 416, headers });
  }
  const [start, end] = range ?? [0, rep.size];
  headers.set("content-length", String(end - start));
  if (range) {
    headers.set("content-range", `bytes ${start}-${end - 1}/${rep.size}`);
  }
  const body = request.method === "HEAD" ? null : rep.body(start, end);
  return new Response(body as BodyInit | null, { status: range ? 206 : 200, headers });
}
