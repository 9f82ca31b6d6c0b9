/**
 * `npm run bench -- verifier [--json] [--threshold 0.95]`: the cache verifier on the labelled dev
 * pairs (../shared/data or EDGEFLEET_DATA_DIR). The threshold defaults to the cosine at which at
 * most 1 % of the non-paraphrases and contradictions (pooled) hit without the verifier; the table
 * adds the curve at fixed thresholds. Metric names with a `cache.` prefix are the ones the `cache`
 * bench reports (docs/verifier.md, "Evaluation harness"); the rest are this bench's detail.
 */
import { RuleVerifier } from "../shared/cache/verifier/rule-verifier.ts";
import { loadCacheDevPairs } from "../test/support/cache-dev-pairs.ts";
import { progress, type BenchResult } from "./lib/report.ts";
import { round } from "./lib/stats.ts";
import {
  calibrateThreshold,
  evaluateAt,
  scoreDevPairs,
  verifierCurve,
  verifierLatency,
  verifierMetrics,
  type VerifierEvaluation,
} from "../test/support/verifier-eval.ts";

const CURVE = [0.8, 0.85, 0.9, 0.93, 0.95, 0.97];

function thresholdArg(): number | undefined {
  const i = process.argv.indexOf("--threshold");
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

function row(e: VerifierEvaluation): string[] {
  return [
    e.threshold.toFixed(3),
    pct(e.paraphrase.unverified),
    pct(e.paraphrase.verified),
    pct(e.different.unverified),
    pct(e.different.verified),
    pct(e.contradiction.unverified),
    pct(e.contradiction.verified),
  ];
}

export async function run(json: boolean): Promise<BenchResult> {
  progress(json, "loading the dev pairs and embedding them with USE-lite (cached under .edgefleet/cache/)…");
  const pairs = loadCacheDevPairs();
  const scores = await scoreDevPairs({ pairs });
  const calibrated = calibrateThreshold(scores);
  const threshold = thresholdArg() ?? calibrated;
  const at = evaluateAt(scores, threshold);
  // How far the verifier lets the threshold come down for the same ≤ 1 % false hits.
  const lowered = evaluateAt(scores, calibrateThreshold(scores, 0.01, { verified: true }));
  progress(json, "timing the verifier per pair (no memo: both texts analysed each call)…");
  const latency = verifierLatency(new RuleVerifier({ memo: 0 }), pairs);

  const metrics: Record<string, number> = {
    ...Object.fromEntries(Object.entries(verifierMetrics(at, latency)).map(([k, v]) => [k, round(v, 4)])),
    "verifier.threshold": round(threshold, 4),
    "verifier.calibrated_threshold": round(calibrated, 4),
    "verifier.non_paraphrase_false_hit_rate": round(at.different.verified, 4),
    "verifier.non_paraphrase_false_hit_rate_unverified": round(at.different.unverified, 4),
    "verifier.contradiction_hit_rate_unverified": round(at.contradiction.unverified, 4),
    "verifier.negative_false_hit_rate_unverified": round(at.negatives.unverified, 4),
    "verifier.p99_ms": round(latency.p99Ms, 4),
    "verifier.verified_calibrated_threshold": round(lowered.threshold, 4),
    "verifier.verified_calibrated_paraphrase_hit_rate": round(lowered.paraphrase.verified, 4),
    "verifier.verified_calibrated_false_hit_rate": round(lowered.negatives.verified, 4),
    "verifier.verified_calibrated_contradiction_hit_rate": round(lowered.contradiction.verified, 4),
    "verifier.pairs": scores.length,
  };
  for (const [label, counts] of Object.entries(at.rejected)) {
    for (const [reason, n] of Object.entries(counts)) {
      if (n > 0) {
        metrics[`verifier.rejected.${label}.${reason}`] = n;
      }
    }
  }
  const header = [
    "threshold",
    "paraphrase hit (no verifier)",
    "paraphrase hit (verifier)",
    "non-paraphrase false hit (no verifier)",
    "(verifier)",
    "contradiction hit (no verifier)",
    "(verifier)",
  ];
  return {
    bench: "verifier",
    metrics,
    notes:
      `${scores.length} labelled pairs (MRPC train, STS-B train+dev, SICK train); USE-lite int8 cosine. ` +
      `Threshold ${threshold.toFixed(4)}${threshold === calibrated ? " (calibrated: ≤ 1 % of non-paraphrases and contradictions, pooled, hit without the verifier)" : ""}. ` +
      `Second row: the threshold calibrated the same way with the verifier on. ` +
      `Verifier ${new RuleVerifier().name}: p50 ${latency.p50Ms.toFixed(3)} ms, p99 ${latency.p99Ms.toFixed(3)} ms per pair (both texts analysed).`,
    table: [header, row(at), row(lowered), ...verifierCurve(scores, CURVE).map(row)],
  };
}
