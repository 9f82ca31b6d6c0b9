/**
 * Lookup latency of one cache partition at 1k / 10k / 100k entries, inside the Durable Object
 * (the real class in workerd, filled through RPC), and the memory an entry costs.
 * workerd's clock has 1 ms resolution, so the DO times batches of lookups and the per-lookup
 * figure is a batch mean; the same code is also timed per lookup in Node for p50/p99.
 */
import { startEdge } from "../cli/local/edge-miniflare.ts";
import type { CacheFill, CacheLookup } from "../shared/cache/cache-store.ts";
import { MemoryCacheStore } from "../shared/cache/memory-cache-store.ts";
import { median, quantile } from "./lib/stats.ts";
import { nearVector, seededRandom, unitVector } from "../test/support/synthetic-vectors.ts";

const DIMENSIONS = 512;
/** A typical short chat answer. */
const ANSWER_BODY = JSON.stringify({ choices: [{ message: { role: "assistant", content: "x".repeat(700) } }] });

export interface LookupFigures {
  entries: number;
  doBatchMeanMs: number;
  nodeP50Ms: number;
  nodeP99Ms: number;
  bytesPerEntry: number;
}

interface DoStub {
  putMany(fills: CacheFill[]): Promise<void>;
  timeLookups(requests: CacheLookup[]): Promise<number>;
  stats(): Promise<{ entries: number; bytes: number; indexBytes: number }>;
}

function fills(from: number, count: number, vectors: Float32Array[]): CacheFill[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      exactKey: `exact-${i}`,
      semantic: { query: `question number ${i} about something specific`, vector: vectors[i] as Float32Array },
      answer: { contentType: "application/json", body: ANSWER_BODY, modelVersion: "1" },
      ttlMs: 3_600_000,
      capacity: 1_000_000,
    };
  });
}

function queries(vectors: Float32Array[], n: number, random: () => number): CacheLookup[] {
  return Array.from({ length: n }, (_, k) => {
    const target = vectors[(k * 7919) % vectors.length] as Float32Array;
    return {
      exactKey: `query-${k}`,
      semantic: {
        query: "a paraphrase",
        vector: nearVector(target, random, 0.01),
        threshold: 0.9,
        verifier: "off" as const,
      },
    };
  });
}

export async function measureLookups(
  sizes: readonly number[],
  progress: (m: string) => void,
): Promise<LookupFigures[]> {
  const random = seededRandom(42);
  const max = Math.max(...sizes);
  const vectors = Array.from({ length: max }, () => unitVector(random, DIMENSIONS));
  const edge = await startEdge({ pop: "bench-cache", adminToken: "bench" });
  const out: LookupFigures[] = [];
  try {
    const ns = await edge.mf.getDurableObjectNamespace("SEMCACHE", "edge-bench-cache");
    for (const size of sizes) {
      progress(`cache partition with ${size} entries…`);
      const stub = ns.get(ns.idFromName(`bench-${size}`)) as unknown as DoStub;
      for (let from = 0; from < size; from += 2000) {
        await stub.putMany(fills(from, Math.min(2000, size - from), vectors));
      }
      const batches: number[] = [];
      for (let b = 0; b < 15; b++) {
        const qs = queries(vectors.slice(0, size), 40, random);
        batches.push((await stub.timeLookups(qs)) / qs.length);
      }
      const stats = await stub.stats();
      // Stored per entry: keys, query and answer text (stats.bytes), the int8 vector + scale + code,
      // plus the in-memory index.
      const bytesPerEntry = (stats.bytes + stats.entries * (DIMENSIONS + 16) + stats.indexBytes) / stats.entries;
      out.push({
        entries: size,
        doBatchMeanMs: median(batches.slice(3)),
        ...nodeTimes(size, vectors, random),
        bytesPerEntry,
      });
    }
  } finally {
    await edge.close();
  }
  return out;
}

function nodeTimes(
  size: number,
  vectors: Float32Array[],
  random: () => number,
): { nodeP50Ms: number; nodeP99Ms: number } {
  const store = new MemoryCacheStore();
  for (const f of fills(0, size, vectors)) {
    void store.put("p", f);
  }
  const times: number[] = [];
  for (const q of queries(vectors.slice(0, size), 400, random)) {
    const t = performance.now();
    void store.lookup("p", q);
    times.push(performance.now() - t);
  }
  const warm = times.slice(50);
  return { nodeP50Ms: quantile(warm, 0.5), nodeP99Ms: quantile(warm, 0.99) };
}
