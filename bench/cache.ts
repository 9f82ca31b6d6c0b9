/**
 * `npm run bench -- cache`: the edge cache. (a) Lookup latency of one partition at 1k / 10k /
 * 100k entries inside the Durable Object; (c) memory per 100k entries.
 */
import { measureLookups } from "./cache-lookup.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { round } from "./lib/stats.ts";

export async function run(json: boolean): Promise<BenchResult> {
  const lookups = await measureLookups([1_000, 10_000, 100_000], (m) => progress(json, m));
  const metrics: Record<string, number> = {};
  const table = [["entries", "DO lookup (batch mean)", "Node p50", "Node p99", "bytes/entry"]];
  for (const l of lookups) {
    const label = l.entries >= 1000 ? `${l.entries / 1000}k` : String(l.entries);
    metrics[`cache.lookup_p50_ms.${label}`] = round(l.doBatchMeanMs, 3);
    table.push([
      String(l.entries),
      `${l.doBatchMeanMs.toFixed(3)} ms`,
      `${l.nodeP50Ms.toFixed(3)} ms`,
      `${l.nodeP99Ms.toFixed(3)} ms`,
      l.bytesPerEntry.toFixed(0),
    ]);
  }
  const largest = lookups.at(-1);
  metrics["cache.mb_per_100k"] = round(((largest?.bytesPerEntry ?? 0) * 100_000) / 2 ** 20, 1);
  return {
    bench: "cache",
    metrics,
    table,
    notes: [
      "Semantic lookups (exact miss, then SimHash scan + int8 re-rank + the entry's SQLite read) of a paraphrase of a stored",
      "entry, 512-d vectors, in the real SemanticCacheDO inside workerd. workerd's clock ticks in whole ms, so the DO figure is",
      "the median over batches of 40 lookups of the batch mean; Node times the same code per lookup.",
      "Memory per entry counts keys, query and a 0.7 KB answer (SQLite), the int8 vector + scale + code, and the in-memory index.",
    ].join("\n"),
  };
}
