/**
 * @module
 * The semantic layer's nearest-neighbour search, behind a small interface so a partition
 * too large for one Durable Object can move to Vectorize or another engine.
 *
 * The default index scans 64-bit SimHash codes of every entry (Hamming distance, a few
 * instructions per entry: ~0.4 ms for 100k in V8), keeps the closest `rerank` candidates, and
 * re-ranks those by int8 cosine. Exact search over int8 would cost 100x more per lookup.
 */
import { type Int8Vector, int8Cosine, popcount32, simhash64, simhashPlanes, toInt8 } from "./vector-codes.ts";

export interface EncodedVector extends Int8Vector {
  code: [number, number];
}

export interface VectorMatch {
  id: number;
  similarity: number;
}

export interface VectorIndex {
  readonly size: number;
  encode(v: Float32Array): EncodedVector;
  add(id: number, vector: EncodedVector): void;
  remove(id: number): void;
  /** Entries at or above `minSimilarity`, best first, at most `k`. */
  search(query: EncodedVector, minSimilarity: number, k: number): VectorMatch[];
  /** Memory the index holds, for capacity planning. */
  bytes(): number;
}

export class BinaryRerankIndex implements VectorIndex {
  /** Fixed by the first vector encoded: a partition's embedder (and so its width) never changes. */
  private dimensions = 0;
  private readonly rerank: number;
  private planes: Float32Array = new Float32Array(0);
  private capacity = 0;
  private count = 0;
  private ids = new Int32Array(0);
  private codes = new Uint32Array(0);
  private vectors = new Int8Array(0);
  private scales = new Float32Array(0);
  private readonly slots = new Map<number, number>();
  private distances = new Uint8Array(0);
  private readonly histogram = new Uint32Array(65);

  constructor(options: { rerank?: number } = {}) {
    this.rerank = options.rerank ?? 64;
  }

  get size(): number {
    return this.count;
  }

  encode(v: Float32Array): EncodedVector {
    if (this.dimensions === 0 && v.length > 0) {
      this.dimensions = v.length;
      this.planes = simhashPlanes(v.length);
    }
    if (v.length !== this.dimensions) {
      throw new Error(`expected a ${this.dimensions}-d vector, got ${v.length}`);
    }
    // The SimHash code (64 × d multiply-adds, the costliest part of encoding) is computed when
    // first read: always for an entry being stored, for a query only when the partition is large
    // enough for the Hamming prefilter to run (below `rerank` entries every entry is re-ranked).
    const planes = this.planes;
    let code: [number, number] | undefined;
    return {
      ...toInt8(v),
      get code(): [number, number] {
        code ??= simhash64(v, planes);
        return code;
      },
    };
  }

  add(id: number, vector: EncodedVector): void {
    if (this.dimensions === 0) {
      // Rebuilt from storage before any encode: the stored vectors say the width.
      this.dimensions = vector.q.length;
      this.planes = simhashPlanes(vector.q.length);
    }
    if (this.slots.has(id)) {
      this.remove(id);
    }
    this.grow(this.count + 1);
    const slot = this.count;
    this.ids[slot] = id;
    this.codes[2 * slot] = vector.code[0];
    this.codes[2 * slot + 1] = vector.code[1];
    this.vectors.set(vector.q, slot * this.dimensions);
    this.scales[slot] = vector.scale;
    this.slots.set(id, slot);
    this.count += 1;
  }

  remove(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) {
      return;
    }
    // Move the last entry into the hole: slots stay dense, so scans touch no gaps.
    const last = this.count - 1;
    if (slot !== last) {
      const lastId = this.ids[last] ?? 0;
      this.ids[slot] = lastId;
      this.codes[2 * slot] = this.codes[2 * last] ?? 0;
      this.codes[2 * slot + 1] = this.codes[2 * last + 1] ?? 0;
      this.vectors.copyWithin(slot * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.scales[slot] = this.scales[last] ?? 0;
      this.slots.set(lastId, slot);
    }
    this.slots.delete(id);
    this.count -= 1;
  }

  search(query: EncodedVector, minSimilarity: number, k: number): VectorMatch[] {
    const n = this.count;
    if (n === 0) {
      return [];
    }
    // Up to `rerank` entries every one is a candidate: no Hamming pass, and the query's SimHash
    // is never computed. Past it, the Hamming cut-off that keeps about `rerank` candidates.
    const prefilter = n > this.rerank;
    const dist = this.distances;
    let cutoff = 64;
    if (prefilter) {
      const [q0, q1] = query.code;
      // Locals, not fields, in the hot loop: V8 keeps the typed arrays' bases in registers.
      const codes = this.codes;
      const histogram = this.histogram.fill(0);
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        const d = popcount32(codes[j] ^ q0) + popcount32(codes[j + 1] ^ q1);
        dist[i] = d;
        histogram[d]++;
      }
      cutoff = 0;
      for (let seen = 0; cutoff <= 64; cutoff++) {
        seen += histogram[cutoff];
        if (seen >= this.rerank) {
          break;
        }
      }
    }
    const matches: VectorMatch[] = [];
    const { vectors, scales, ids, dimensions } = this;
    for (let i = 0; i < n; i++) {
      if (prefilter && dist[i] > cutoff) {
        continue;
      }
      const similarity = int8Cosine(query.q, query.scale, vectors, scales[i], i * dimensions);
      if (similarity >= minSimilarity) {
        matches.push({ id: ids[i], similarity });
      }
    }
    return matches.toSorted((a, b) => b.similarity - a.similarity).slice(0, k);
  }

  bytes(): number {
    return this.capacity * (4 + 8 + this.dimensions + 4 + 1) + this.slots.size * 16;
  }

  private grow(needed: number): void {
    if (needed <= this.capacity) {
      return;
    }
    const capacity = Math.max(needed, Math.ceil(this.capacity * 1.5), 64);
    const ids = new Int32Array(capacity);
    ids.set(this.ids);
    const codes = new Uint32Array(capacity * 2);
    codes.set(this.codes);
    const vectors = new Int8Array(capacity * this.dimensions);
    vectors.set(this.vectors);
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    [this.ids, this.codes, this.vectors, this.scales] = [ids, codes, vectors, scales];
    this.distances = new Uint8Array(capacity);
    this.capacity = capacity;
  }
}
