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
function downloadPass(
  options: RangeDownloadOptions,
  chunks: readonly WantedChunk[],
  stats: RangeDownloadStats,
): Promise<WantedChunk[]> {
  return new RangeDownloadPass(options, chunks, stats).run();
}

/** Where one response's body sits in the file: bytes [cursor, end) are what it will send. */
interface BodyWindow {
  cursor: number;
  end: number;
}

/**
 * One pass over the wanted segments. Its fields are the resume state every attempt shares: the
 * first segment not fully received (`next`), the bytes of it already in (`filled`), the chunk
 * being assembled, the strong ETag resumes are conditional on, and fruitless attempts in a row.
 */
class RangeDownloadPass {
  private readonly segments: Segment[];
  private readonly missed: WantedChunk[] = [];
  private readonly maxStalls: number;
  private readonly retryDelay: (stalls: number) => number;
  private etag: string | null = null;
  /** Index of the first segment not fully received. */
  private next = 0;
  /** Bytes of segments[next] already received (0 unless resuming mid-segment). */
  private filled = 0;
  private assembly: Assembly | null = null;
  private stalls = 0;
  /** Whether the current attempt received a wanted byte. */
  private progressed = false;
  private readonly options: RangeDownloadOptions;
  private readonly chunks: readonly WantedChunk[];
  private readonly stats: RangeDownloadStats;

  constructor(options: RangeDownloadOptions, chunks: readonly WantedChunk[], stats: RangeDownloadStats) {
    this.options = options;
    this.chunks = chunks;
    this.stats = stats;
    this.maxStalls = options.maxStalls ?? 5;
    this.retryDelay = options.retryDelayMs ?? ((n: number) => Math.min(5_000, 100 * 2 ** n));
    this.segments = segmentsOf(chunks);
  }

  async run(): Promise<WantedChunk[]> {
    await this.verifyGuessedChunks();
    while (this.next < this.segments.length) {
      const first = this.segments[this.next];
      if (!first) {
        break;
      }
      this.progressed = false;
      try {
        await this.attempt(first);
      } catch (error) {
        await this.afterFailedAttempt(error);
      }
    }
    return this.missed;
  }

  /** A chunk guessed completely (nothing to fetch) is checked at once. */
  private async verifyGuessedChunks(): Promise<void> {
    for (const c of this.chunks) {
      if (c.fetch?.length === 0) {
        if (c.base && (await sha256Hex(c.base)) === c.sha256) {
          await this.options.onChunk(c, c.base);
        } else {
          this.missed.push(c);
        }
      }
    }
  }

  /** One request for the run of adjacent segments from `first` on, resuming at the byte reached. */
  private async attempt(first: Segment): Promise<void> {
    const { segments } = this;
    const from = first.start + this.filled;
    let last = this.next;
    for (let s = segments[last + 1]; s && s.start === segments[last]?.end; s = segments[last + 1]) {
      last++;
    }
    const to = segments[last]?.end ?? first.end;
    const headers: Record<string, string> = {};
    if (from !== 0 || to !== this.options.fileSize) {
      headers.range = `bytes=${from}-${to - 1}`;
      if (this.etag !== null) {
        headers["if-range"] = this.etag;
      }
    }
    this.stats.requests++;
    const response = await this.options.fetch(this.options.url, { headers, redirect: "manual" });
    const answered = response.headers.get("etag");
    const window = await this.bodyWindow(response, answered, headers.range !== undefined, from, to);
    this.etag = isStrongEtag(answered) ? answered : null;
    if (!response.body) {
      throw new Error("no body");
    }
    await this.readBody(response.body.getReader(), window);
    if (this.next < segments.length && window.cursor < window.end) {
      throw new Error(`the body ended at byte ${window.cursor} of ${window.end}`);
    }
  }

  /**
   * Which bytes of the file the response carries, judged from its status: a usable `206`, or a
   * `200` (the whole file: a ranged request restarts, never splices). Anything else throws.
   */
  private async bodyWindow(
    response: Response,
    answered: string | null,
    ranged: boolean,
    from: number,
    to: number,
  ): Promise<BodyWindow> {
    const { fileSize, subject } = this.options;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get("content-range"));
      const changed = this.etag !== null && answered !== null && answered !== this.etag;
      if (
        !range ||
        range.start !== from ||
        range.end > to ||
        (range.size !== null && range.size !== fileSize) ||
        changed
      ) {
        // Not the bytes asked for: nothing of it is used, and the segment starts over.
        await response.body?.cancel();
        this.stats.restarts++;
        this.rewindChunk();
        this.etag = null;
        throw new Error(`unusable 206 (content-range ${response.headers.get("content-range")}, etag ${answered})`);
      }
      return { cursor: from, end: range.end };
    }
    if (response.status === 200) {
      if (ranged) {
        // The server ignores ranges, or the representation changed: restart, never splice.
        this.stats.restarts++;
        this.rewindChunk();
      }
      return { cursor: 0, end: fileSize };
    }
    await response.body?.cancel();
    if (response.status >= 500 || response.status === 429) {
      throw new Error(`the server answered ${response.status}`);
    }
    throw new TufError("DOWNLOAD_FAILED", subject, `GET ${this.options.url} answered ${response.status}`);
  }

  /** Reads the body into the wanted segments; stops reading once everything wanted is in. */
  private async readBody(reader: ReadableStreamDefaultReader<Uint8Array>, window: BodyWindow): Promise<void> {
    try {
      for (;;) {
        const step = await reader.read();
        if (step.done) {
          break;
        }
        const piece = step.value;
        this.stats.receivedBytes += piece.byteLength;
        if (window.cursor + piece.byteLength > window.end) {
          throw new TufError(
            "LENGTH_EXCEEDED",
            this.options.subject,
            `the response passed the ${window.end - window.cursor} bytes it announced`,
          );
        }
        let at = 0;
        while (at < piece.byteLength && this.next < this.segments.length) {
          const seg = this.segments[this.next];
          if (!seg) {
            break;
          }
          at = this.copyFromPiece(seg, piece, at, window);
          if (seg.start + this.filled === seg.end) {
            await this.finishSegment();
          }
        }
        if (this.next >= this.segments.length && window.cursor < window.end) {
          // Everything wanted is here; the rest of a full body is not read at all.
          this.stats.skippedBytes += piece.byteLength - at;
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
  }

  /**
   * One step through a piece of body at `at`: skips the bytes before what `seg` still needs, or
   * copies what the piece holds of `seg` into the chunk being assembled. Returns the new `at`.
   * Synchronous, so reading a body costs no await per piece beyond the read itself.
   */
  private copyFromPiece(seg: Segment, piece: Uint8Array, at: number, window: BodyWindow): number {
    const need = seg.start + this.filled;
    if (window.cursor < need) {
      const skip = Math.min(need - window.cursor, piece.byteLength - at);
      this.stats.skippedBytes += skip;
      window.cursor += skip;
      return at + skip;
    }
    const take = Math.min(seg.end - window.cursor, piece.byteLength - at);
    this.assembly ??= this.startChunk();
    const chunk = this.chunks[seg.chunk];
    this.assembly.bytes.set(piece.subarray(at, at + take), window.cursor - (chunk?.offset ?? 0));
    this.assembly.received += take;
    window.cursor += take;
    this.filled += take;
    this.progressed = true;
    this.options.onBytes?.(take);
    return at + take;
  }

  /**
   * A cut or unusable answer: resume from the byte reached — but only under a strong ETag
   * (If-Range); without one, a resumed chunk could mix two representations, so it restarts.
   * A refusal (TufError) ends the download; too many fruitless attempts in a row end it too.
   */
  private async afterFailedAttempt(error: unknown): Promise<void> {
    if (TufError.is(error)) {
      throw error;
    }
    this.stats.cuts++;
    if (this.etag === null) {
      this.rewindChunk();
    }
    this.stalls = this.progressed ? 0 : this.stalls + 1;
    if (this.stalls > this.maxStalls) {
      throw new TufError("DOWNLOAD_FAILED", this.options.subject, `no progress after ${this.stalls} attempts`, {
        cause: error,
      });
    }
    if (this.stalls > 0) {
      await sleep(this.retryDelay(this.stalls));
    }
  }

  private startChunk(): Assembly {
    const seg = this.segments[this.next];
    const c = seg ? this.chunks[seg.chunk] : undefined;
    if (!seg || !c) {
      throw new RangeError("no segment to start");
    }
    return {
      chunk: seg.chunk,
      firstSegment: this.next,
      bytes: c.base ? c.base.slice() : new Uint8Array(c.size),
      received: 0,
    };
  }

  /**
   * Forgets every unverified byte of the chunk being assembled and goes back to its first
   * segment: bytes of one representation are never completed with bytes of another.
   */
  private rewindChunk(): void {
    if (this.assembly) {
      this.stats.droppedBytes += this.assembly.received;
      this.next = this.assembly.firstSegment;
      this.assembly = null;
    }
    this.filled = 0;
  }

  /** Called when segments[next] is complete: moves on, and verifies a chunk whose last segment it was. */
  private async finishSegment(): Promise<void> {
    const seg = this.segments[this.next];
    const after = this.segments[this.next + 1];
    this.next++;
    this.filled = 0;
    if (!seg || !this.assembly || (after && after.chunk === seg.chunk)) {
      return;
    }
    const c = this.chunks[seg.chunk];
    const done = this.assembly;
    this.assembly = null;
    if (!c) {
      return;
    }
    if ((await sha256Hex(done.bytes)) === c.sha256) {
      await this.options.onChunk(c, done.bytes);
    } else if (c.base) {
      this.missed.push(c);
    } else {
      throw new TufError(
        "CHUNK_HASH_MISMATCH",
        this.options.subject,
        `chunk ${c.sha256} at byte ${c.offset} does not match its signed hash`,
      );
    }
  }
}
