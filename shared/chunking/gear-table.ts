/**
 * @module
 * The gear table of the content-defined chunker: 256 fixed pseudo-random 32-bit words,
 * one per byte value. Chunk boundaries — and so which chunks two model versions share —
 * depend on these exact words: changing them re-chunks every stored model, so they are
 * generated from a fixed seed and pinned by a test.
 */

/** mulberry32: a tiny, well-mixed 32-bit generator; only its determinism matters here. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function buildGearTable(): Int32Array {
  const next = mulberry32(0x65646765); // "edge"
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    table[i] = next() | 0;
  }
  return table;
}

/** Signed 32-bit words, so the rolling hash stays in V8's fast small-integer arithmetic. */
export const GEAR: Int32Array = buildGearTable();
