/**
 * @module
 * Downloads chosen chunks of one file with HTTP `Range` requests, resumably, and verifies each
 * chunk against its signed sha256 before handing it on. Web-standard APIs only (fetch,
 * streams, WebCrypto): the same code runs in Node and in browsers.
 *
 * - Runs of adjacent wanted bytes become one `Range: bytes=a-b` request each.
 * - A cut connection resumes at the exact byte it stopped at, with `If-Range: <ETag>` (strong
 *   ETags only, RFC 9110 §13.1.5), so a cut costs no re-downloaded bytes at all.
 * - A `200` to a ranged request means the server ignores ranges or the representation changed
 *   (its ETag no longer matches): the unverified partial bytes are dropped — never spliced
 *   onto bytes of another representation — and the wanted chunks are taken from the full body.
 * - A `206` that does not answer the question asked (another start, another total length,
 *   another ETag than the one in `If-Range`) is not used at all.
 * - Bytes beyond what was asked for are refused (LENGTH_EXCEEDED); a chunk whose bytes do not
 *   hash to its signed sha256 is refused (CHUNK_HASH_MISMATCH) and never reaches `onChunk`.
 *
 * A chunk may come with `base` bytes (what the device believes most of the chunk is, from an
 * older version) and `fetch` ranges (the rest): only those ranges are downloaded. If the
 * assembled chunk does not verify, the guess was wrong — not an attack — and the whole chunk
 * is downloaded again once; the final check is always the signed hash.
 */
import { sha256Hex } from "../crypto/sha256.ts";
import type { Fetch } from "../tuf/download.ts";
import { TufError } from "../tuf/errors.ts";

export interface WantedChunk {
  sha256: string;
  size: number;
  /** Where the chunk starts in the file. */
  offset: number;
  /** A guess of the chunk's bytes (length `size`), completed by downloading `fetch`. */
  base?: Uint8Array;
  /** [start, end) ranges inside the chunk to download; default: the whole chunk. Sorted, disjoint. */
  fetch?: ReadonlyArray<readonly [number, number]>;
}

export interface RangeDownloadOptions {
  fetch: Fetch;
  url: string;
  /** The file's signed length: nothing is read past it. */
  fileSize: number;
  /** Sorted by offset, non-overlapping. */
  chunks: readonly WantedChunk[];
  /** Receives each verified chunk; must have stored it when it resolves. */
  onChunk: (chunk: WantedChunk, bytes: Uint8Array) => Promise<void>;
  /** Bytes of wanted data received, for progress bars. */
  onBytes?: (bytes: number) => void;
  /** Failed attempts in a row, without a single new byte, before giving up. */
  maxStalls?: number;
  /** Wait before the next attempt after `stalls` fruitless attempts in a row. */
  retryDelayMs?: (stalls: number) => number;
  /** Names the file in errors. */
  subject: string;
}

export interface RangeDownloadStats {
  requests: number;
  /** Body bytes received (wanted, skipped and dropped alike). */
  receivedBytes: number;
  /** Bytes received but not wanted: a server that ignored `Range` sends the whole file. */
  skippedBytes: number;
  /** Unverified bytes thrown away because the representation changed or an answer was unusable. */
  droppedBytes: number;
  /** Attempts that broke off (a cut connection, a short body). */
  cuts: number;
  /** Times the download restarted instead of resuming (a `200`, or an unusable `206`). */
  restarts: number;
  /** Chunks whose `base` guess was wrong and that were downloaded whole. */
  baseMisses: number;
}

/** One contiguous piece of wanted bytes inside one chunk, at file offsets [start, end). */
interface Segment {
  chunk: number;
  start: number;
  end: number;
}

function segmentsOf(chunks: readonly WantedChunk[]): Segment[] {
  const out: Segment[] = [];
  chunks.forEach((c, i) => {
    for (const [s, e] of c.fetch ?? [[0, c.size] as const]) {
      if (s < 0 || e > c.size || s >= e) {
        throw new RangeError(`bad fetch range [${s}, ${e}) for a chunk of ${c.size} bytes`);
      }
      out.push({ chunk: i, start: c.offset + s, end: c.offset + e });
    }
  });
  return out;
}

function parseContentRange(header: string | null): { start: number; end: number; size: number | null } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? "");
  if (!m) {
    return null;
  }
  return { start: Number(m[1]), end: Number(m[2]) + 1, size: m[3] === "*" ? null : Number(m[3]) };
}

function isStrongEtag(etag: string | null): etag is string {
  return etag !== null && /^"[^"]*"$/.test(etag);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The chunk being assembled: its bytes, its first segment, and how many bytes of it were received. */
interface Assembly {
  chunk: number;
  firstSegment: number;
  bytes: Uint8Array;
  received: number;
}

export async function downloadRanges(options: RangeDownloadOptions): Promise<RangeDownloadStats> {
  const stats: RangeDownloadStats = {
    requests: 0,
    receivedBytes: 0,
    skippedBytes: 0,
    droppedBytes: 0,
    cuts: 0,
    restarts: 0,
    baseMisses: 0,
  };
  let chunks = options.chunks.map((c) => ({ ...c }));
  for (;;) {
    const missed = await downloadPass(options, chunks, stats);
    if (missed.length === 0) {
      return stats;
    }
    // A wrong guess: download those chunks whole, once.
    stats.baseMisses += missed.length;
    chunks = missed.map(({ sha256, size, offset }) => ({ sha256, size, offset }));
  }
}

/** Downloads every segment once; returns the chunks whose `base` guess did not verify. */
async function downloadPass(
  options: RangeDownloadOptions,
  chunks: readonly WantedChunk[],
  stats: RangeDownloadStats,
): Promise<WantedChunk[]> {
  const { fileSize, subject } = options;
  const maxStalls = options.maxStalls ?? 5;
  const retryDelay = options.retryDelayMs ?? ((n: number) => Math.min(5_000, 100 * 2 ** n));
  const segments = segmentsOf(chunks);
  const missed: WantedChunk[] = [];
  // A chunk guessed completely (nothing to fetch) is checked at once.
  for (const c of chunks) {
    if (c.fetch?.length === 0) {
      if (c.base && (await sha256Hex(c.base)) === c.sha256) {
        await options.onChunk(c, c.base);
      } else {
        missed.push(c);
      }
    }
  }
  let etag: string | null = null;
  /** Index of the first segment not fully received. */
  let next = 0;
  /** Bytes of segments[next] already received (0 unless resuming mid-segment). */
  let filled = 0;
  let assembly: Assembly | null = null;
  let stalls = 0;

  const startChunk = (): Assembly => {
    const seg = segments[next];
    const c = seg ? chunks[seg.chunk] : undefined;
    if (!seg || !c) {
      throw new RangeError("no segment to start");
    }
    return {
      chunk: seg.chunk,
      firstSegment: next,
      bytes: c.base ? c.base.slice() : new Uint8Array(c.size),
      received: 0,
    };
  };
  /**
   * Forgets every unverified byte of the chunk being assembled and goes back to its first
   * segment: bytes of one representation are never completed with bytes of another.
   */
  const rewindChunk = () => {
    if (assembly) {
      stats.droppedBytes += assembly.received;
      next = assembly.firstSegment;
      assembly = null;
    }
    filled = 0;
  };
  /** Called when segments[next] is complete: moves on, and verifies a chunk whose last segment it was. */
  const finishSegment = async () => {
    const seg = segments[next];
    const after = segments[next + 1];
    next++;
    filled = 0;
    if (!seg || !assembly || (after && after.chunk === seg.chunk)) {
      return;
    }
    const c = chunks[seg.chunk];
    const done = assembly;
    assembly = null;
    if (!c) {
      return;
    }
    if ((await sha256Hex(done.bytes)) === c.sha256) {
      await options.onChunk(c, done.bytes);
    } else if (c.base) {
      missed.push(c);
    } else {
      throw new TufError(
        "CHUNK_HASH_MISMATCH",
        subject,
        `chunk ${c.sha256} at byte ${c.offset} does not match its signed hash`,
      );
    }
  };

  while (next < segments.length) {
    const first = segments[next];
    if (!first) {
      break;
    }
    const from = first.start + filled;
    let last = next;
    for (let s = segments[last + 1]; s && s.start === segments[last]?.end; s = segments[last + 1]) {
      last++;
    }
    const to = segments[last]?.end ?? first.end;
    const headers: Record<string, string> = {};
    if (from !== 0 || to !== fileSize) {
      headers.range = `bytes=${from}-${to - 1}`;
      if (etag !== null) {
        headers["if-range"] = etag;
      }
    }
    let progressed = false;
    try {
      stats.requests++;
      const response = await options.fetch(options.url, { headers, redirect: "manual" });
      const answered = response.headers.get("etag");
      let cursor: number;
      let end: number;
      if (response.status === 206) {
        const range = parseContentRange(response.headers.get("content-range"));
        const changed = etag !== null && answered !== null && answered !== etag;
        if (
          !range ||
          range.start !== from ||
          range.end > to ||
          (range.size !== null && range.size !== fileSize) ||
          changed
        ) {
          // Not the bytes asked for: nothing of it is used, and the segment starts over.
          await response.body?.cancel();
          stats.restarts++;
          rewindChunk();
          etag = null;
          throw new Error(`unusable 206 (content-range ${response.headers.get("content-range")}, etag ${answered})`);
        }
        cursor = from;
        end = range.end;
      } else if (response.status === 200) {
        if (headers.range !== undefined) {
          // The server ignores ranges, or the representation changed: restart, never splice.
          stats.restarts++;
          rewindChunk();
        }
        cursor = 0;
        end = fileSize;
      } else {
        await response.body?.cancel();
        if (response.status >= 500 || response.status === 429) {
          throw new Error(`the server answered ${response.status}`);
        }
        throw new TufError("DOWNLOAD_FAILED", subject, `GET ${options.url} answered ${response.status}`);
      }
      etag = isStrongEtag(answered) ? answered : null;
      if (!response.body) {
        throw new Error("no body");
      }
      const reader = response.body.getReader();
      try {
        for (;;) {
          const step = await reader.read();
          if (step.done) {
            break;
          }
          const piece = step.value;
          stats.receivedBytes += piece.byteLength;
          if (cursor + piece.byteLength > end) {
            throw new TufError(
              "LENGTH_EXCEEDED",
              subject,
              `the response passed the ${end - cursor} bytes it announced`,
            );
          }
          let at = 0;
          while (at < piece.byteLength && next < segments.length) {
            const seg = segments[next];
            if (!seg) {
              break;
            }
            const need = seg.start + filled;
            if (cursor < need) {
              const skip = Math.min(need - cursor, piece.byteLength - at);
              stats.skippedBytes += skip;
              cursor += skip;
              at += skip;
              continue;
            }
            const take = Math.min(seg.end - cursor, piece.byteLength - at);
            assembly ??= startChunk();
            const chunk = chunks[seg.chunk];
            assembly.bytes.set(piece.subarray(at, at + take), cursor - (chunk?.offset ?? 0));
            assembly.received += take;
            cursor += take;
            at += take;
            filled += take;
            progressed = true;
            options.onBytes?.(take);
            if (seg.start + filled === seg.end) {
              await finishSegment();
            }
          }
          if (next >= segments.length && cursor < end) {
            // Everything wanted is here; the rest of a full body is not read at all.
            stats.skippedBytes += piece.byteLength - at;
            await reader.cancel();
            break;
          }
        }
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        throw error;
      } finally {
        reader.releaseLock();
      }
      if (next < segments.length && cursor < end) {
        throw new Error(`the body ended at byte ${cursor} of ${end}`);
      }
    } catch (error) {
      if (TufError.is(error)) {
        throw error;
      }
      // A cut or unusable answer: resume from the byte reached — but only under a strong ETag
      // (If-Range); without one, a resumed chunk could mix two representations, so it restarts.
      stats.cuts++;
      if (etag === null) {
        rewindChunk();
      }
      stalls = progressed ? 0 : stalls + 1;
      if (stalls > maxStalls) {
        throw new TufError("DOWNLOAD_FAILED", subject, `no progress after ${stalls} attempts`, { cause: error });
      }
      if (stalls > 0) {
        await sleep(retryDelay(stalls));
      }
    }
  }
  return missed;
}
