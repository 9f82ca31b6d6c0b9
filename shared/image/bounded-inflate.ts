/**
 * @module
 * zlib inflation that never produces much more than a budget. fflate's streaming `Unzlib`
 * inflates everything it has been given in one call, so the input is fed in slices small
 * enough that one slice cannot expand far past what is left of the budget: deflate's densest
 * code is a 258-byte match in 2 bits, a ratio of at most 1032:1, so a slice of
 * ceil((left + OVERSHOOT) / 1032) bytes yields at most `left` + 4 MiB. Slices are capped at
 * MAX_SLICE so that one call's output (and fflate's doubling buffer) stays ≤ 16 MiB even for a
 * legitimately large, very compressible image. A 64×64 bomb is thus stopped after ≤ 4 MiB
 * of output, whatever it would inflate to.
 *
 * Why fflate rather than the web-standard `DecompressionStream` (workerd, Node 20, browsers):
 * the decode runs inside the task adapters' synchronous `prepare`, and reading a stream is
 * asynchronous (a promise per chunk) and can only be stopped between chunks whose size the
 * runtime picks. Neither is clearly faster on the images served here (`npm run bench --
 * hostile`, inflation alone, 2-core host at load ≈ 10): 64×64 RGB fflate 0.21–0.26 ms vs
 * stream 0.48–0.70 ms; 320×48 RGB 0.81–0.97 ms vs 0.58–0.82 ms. So the synchronous one stays.
 */
import { Unzlib } from "fflate";

/** Deflate's worst-case expansion: 258 output bytes from a 1-bit length code and a 1-bit distance code. */
const MAX_DEFLATE_RATIO = 1032;
/** Output a single slice may add past the budget (slices smaller than 4 KiB cost more in per-call overhead than they save). */
const OVERSHOOT = 4 * 2 ** 20;
const MAX_SLICE = 16 * 1024;

/** Thrown by the sink (or by the inflater) to stop inflation; carries nothing but the reason. */
export class InflateBudgetExceeded extends Error {
  readonly budget: number;

  constructor(budget: number) {
    super(`the compressed data inflates past ${budget} bytes`);
    this.budget = budget;
    this.name = "InflateBudgetExceeded";
  }
}

/**
 * Inflates a zlib stream given in parts (the IDAT chunks) and hands the output to `sink` as
 * it comes. Throws InflateBudgetExceeded as soon as the output passes `budget` bytes;
 * fflate's own errors (corrupt data) pass through as they are.
 */
export class BoundedInflater {
  private produced = 0;
  private readonly budget: number;
  private readonly unzlib: Unzlib;

  constructor(budget: number, sink: (chunk: Uint8Array) => void) {
    this.budget = budget;
    this.unzlib = new Unzlib((chunk) => {
      this.produced += chunk.length;
      if (this.produced > this.budget) {
        throw new InflateBudgetExceeded(this.budget);
      }
      if (chunk.length > 0) {
        sink(chunk);
      }
    });
  }

  /** Total bytes inflated so far. */
  get outputBytes(): number {
    return this.produced;
  }

  push(part: Uint8Array): void {
    let at = 0;
    while (at < part.length) {
      const left = Math.max(0, this.budget - this.produced);
      const slice = Math.min(MAX_SLICE, Math.ceil((left + OVERSHOOT) / MAX_DEFLATE_RATIO));
      this.unzlib.push(part.subarray(at, at + slice), false);
      at += slice;
    }
  }

  /** Ends the stream: throws if the compressed data stops before the deflate stream's final block. */
  finish(): void {
    this.unzlib.push(new Uint8Array(0), true);
  }
}
