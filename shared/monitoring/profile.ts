/**
 * @module
 * The reference profile of a model version, computed at publish on a reference set and stored in
 * (and so signed with) its manifest: one histogram per statistic, binned at the reference's deciles,
 * plus for embedders the centroid and a few random projection directions the edge needs to compute
 * the same statistics of live traffic. No raw input is kept: only counts over bins.
 *
 * Statistics per task (names are stable, they appear in sketches, drift reports and the dashboard):
 * - text inputs: `text.chars`, `text.tokens`, `text.unk_rate`
 * - embeddings: `embedding.cos_centroid`, `embedding.proj0`..`proj3`
 * - vad: `vad.speech_prob` (every frame), `vad.speech_share` (frames ≥ 0.5, per request)
 * - ocr: `ocr.boxes`, `ocr.confidence`
 */
import { z } from "zod";
import type { Histogram } from "./histogram.ts";
import { HistogramSchema, histogramOf, quantileEdges } from "./histogram.ts";

/** What one request contributes: one or several values per statistic. */
export type Observation = Record<string, number | readonly number[]>;

export const PROJECTIONS = 4;

export const ReferenceProfileSchema = z.object({
  schema: z.literal("edgefleet.profile/v1"),
  samples: z.number().int().positive(),
  statistics: z.record(z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/), HistogramSchema),
  embedding: z
    .object({
      centroid: z.array(z.number()).min(1).max(8192),
      projections: z.array(z.array(z.number()).min(1).max(8192)).max(16),
    })
    .optional(),
});
export type ReferenceProfile = z.infer<typeof ReferenceProfileSchema>;

export function textObservation(text: string, tokenIds: readonly number[], unkId: number): Observation {
  const unknown = tokenIds.filter((id) => id === unkId).length;
  return {
    "text.chars": text.length,
    "text.tokens": tokenIds.length,
    "text.unk_rate": tokenIds.length === 0 ? 0 : unknown / tokenIds.length,
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    s += (a[i] ?? 0) * (b[i] ?? 0);
  }
  return s;
}

type Basis = NonNullable<ReferenceProfile["embedding"]>;

/**
 * The basis as one packed Float64Array (unit centroid, then the projections), built once per
 * profile: the hot path then reads every direction in one pass over the vector, monomorphic,
 * instead of six passes over JSON number arrays (34 µs → ~3 µs for 512 dimensions).
 */
const packed = new WeakMap<Basis, { matrix: Float64Array; names: string[]; d: number }>();

function packBasis(basis: Basis): { matrix: Float64Array; names: string[]; d: number } {
  let p = packed.get(basis);
  if (!p) {
    const d = basis.centroid.length;
    const rows = [basis.centroid, ...basis.projections];
    const matrix = new Float64Array(rows.length * d);
    const cnorm = Math.sqrt(dot(basis.centroid, basis.centroid)) || 1;
    rows.forEach((row, r) => {
      for (let i = 0; i < d; i++) {
        matrix[r * d + i] = (row[i] ?? 0) / (r === 0 ? cnorm : 1);
      }
    });
    const names = ["embedding.cos_centroid", ...basis.projections.map((_, i) => `embedding.proj${i}`)];
    p = { matrix, names, d };
    packed.set(basis, p);
  }
  return p;
}

/** Cosine to the reference centroid and the random projections, for one embedding. */
export function embeddingObservation(vector: ArrayLike<number>, basis: Basis): Observation {
  const { matrix, names, d } = packBasis(basis);
  const n = Math.min(d, vector.length);
  const inv = 1 / (Math.sqrt(dotAt(vector, vector, 0, n)) || 1);
  const out: Record<string, number> = {};
  for (let r = 0; r < names.length; r++) {
    out[names[r] as string] = dotAt(matrix, vector, r * d, n) * inv;
  }
  return out;
}

/**
 * Σ row[offset + i] · v[i] for i < n, one row at a time with four independent sums: V8 keeps them
 * in registers and overlaps the multiply-adds, about twice as fast as one running sum or as
 * walking the vector once while updating every row's sum in memory.
 */
function dotAt(row: ArrayLike<number>, v: ArrayLike<number>, offset: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (row[offset + i] as number) * (v[i] as number);
    s1 += (row[offset + i + 1] as number) * (v[i + 1] as number);
    s2 += (row[offset + i + 2] as number) * (v[i + 2] as number);
    s3 += (row[offset + i + 3] as number) * (v[i + 3] as number);
  }
  for (; i < n; i++) {
    s0 += (row[offset + i] as number) * (v[i] as number);
  }
  return s0 + s1 + s2 + s3;
}

export function vadObservation(probabilities: readonly number[]): Observation {
  const speech = probabilities.filter((p) => p >= 0.5).length;
  return {
    "vad.speech_prob": probabilities,
    "vad.speech_share": probabilities.length === 0 ? 0 : speech / probabilities.length,
  };
}

export function ocrObservation(confidences: readonly number[]): Observation {
  return { "ocr.boxes": confidences.length, "ocr.confidence": confidences };
}

/** Deterministic unit directions (xorshift32 + Box–Muller), so a profile rebuilds identically. */
function randomDirections(count: number, dimensions: number, seed: number): number[][] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const v = Array.from(
      { length: dimensions },
      () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()),
    );
    const n = Math.sqrt(dot(v, v)) || 1;
    return v.map((x) => Math.round((x / n) * 1e5) / 1e5);
  });
}

function collect(into: Map<string, number[]>, observation: Observation): void {
  for (const [name, value] of Object.entries(observation)) {
    const list = into.get(name) ?? [];
    if (typeof value === "number") {
      list.push(value);
    } else {
      list.push(...value);
    }
    into.set(name, list);
  }
}

export interface ReferenceSet {
  /** One observation per reference request (text, class, VAD, OCR statistics). */
  observations: readonly Observation[];
  /** The embeddings the model gave on the reference set, when it is an embedder. */
  vectors?: readonly ArrayLike<number>[];
  bins?: number;
}

export function buildReferenceProfile(set: ReferenceSet): ReferenceProfile {
  const values = new Map<string, number[]>();
  set.observations.forEach((o) => collect(values, o));
  let embedding: ReferenceProfile["embedding"];
  const vectors = set.vectors ?? [];
  const first = vectors[0];
  if (first) {
    const centroid = Array.from({ length: first.length }, () => 0);
    for (const v of vectors) {
      for (let i = 0; i < centroid.length; i++) {
        centroid[i] = (centroid[i] ?? 0) + (v[i] ?? 0) / vectors.length;
      }
    }
    embedding = {
      centroid: centroid.map((x) => Math.round(x * 1e5) / 1e5),
      projections: randomDirections(PROJECTIONS, first.length, 0x5eed),
    };
    const basis = embedding;
    vectors.forEach((v) => collect(values, embeddingObservation(v, basis)));
  }
  const statistics: Record<string, Histogram> = {};
  for (const [name, list] of values) {
    statistics[name] = histogramOf(list, quantileEdges(list, set.bins ?? 10));
  }
  const samples = Math.max(set.observations.length, vectors.length);
  return { schema: "edgefleet.profile/v1", samples, statistics, ...(embedding ? { embedding } : {}) };
}
