/**
 * `npm run bench -- monitoring`: the cost and the worth of drift monitoring.
 *
 * - `monitoring.sketch_us_per_request`: µs the edge's hook (SketchRecorder.record: observation from
 *   the answer, embedding statistics, binning) adds to one single-text /v1/embeddings request with
 *   real USE-lite vectors; median of interleaved rounds.
 * - `monitoring.sketch_bytes`: JSON bytes of one model version's sketch for one PoP and window, as
 *   shipped in the sync report.
 * - `monitoring.detect_requests`: requests after STS-B traffic switches from captions (the reference
 *   genre) to news until the drift alert fires (50-request windows, sliding window of 4).
 */
import { type ModelManifest, ModelManifestSchema } from "../shared/manifest/model-manifest.ts";
import type { ReferenceProfile } from "../shared/monitoring/profile.ts";
import { SketchRecorder } from "../shared/monitoring/recorder.ts";
import { embedRequests, genreProfile, stsbByGenre, streamWindows, unkIdOf } from "../test/support/genre-drift.ts";
import type { BenchResult } from "./lib/report.ts";
import { progress } from "./lib/report.ts";
import { median, round } from "./lib/stats.ts";

const ROUNDS = 7;

export async function run(json: boolean): Promise<BenchResult> {
  progress(json, "embedding STS-B sentences with USE-lite (cached on disk after the first run)…");
  const genres = stsbByGenre();
  const captions = await embedRequests(genres.get("main-captions") ?? []);
  const news = await embedRequests((genres.get("main-news") ?? []).slice(0, 600));
  const forum = await embedRequests((genres.get("main-forum") ?? []).slice(0, 400));
  const unk = unkIdOf();
  const profile = genreProfile(captions.slice(0, 500), unk);
  const threshold = { alert_at: 0.25, min_samples: 200 };
  const manifest = ModelManifestSchema.parse({
    schema: "edgefleet.model/v1",
    id: "use-lite",
    version: "1.0.0",
    task: "embeddings",
    files: [{ name: "use-lite.int8.onnx", role: "model", sha256: "0".repeat(64), size: 1 }],
    io: {
      inputs: [{ name: "input_ids", dtype: "int64", shape: ["batch", "seq"] }],
      outputs: [{ name: "embeddings", dtype: "float32", shape: ["batch", 512] }],
    },
    monitoring: { profile, drift: threshold },
  });

  // Hot-path cost: what the route's one-line hook does per request, on the requests' real vectors.
  const traffic = captions.slice(500);
  const inputs = traffic.map((r) => ({ text: [r.text] }));
  const outputs = traffic.map((r) => ({ embeddings: [r.vector] }));
  const { perRequest, baseline, bareLoop } = measureHookCost(manifest, traffic, profile);

  const recorder = new SketchRecorder({ windowMs: 60_000, now: () => 0 });
  for (let i = 0; i < inputs.length; i++) {
    recorder.record(manifest, inputs[i], outputs[i]);
  }
  const [sketch] = recorder.drain(true);
  const sketchBytes = new TextEncoder().encode(JSON.stringify(sketch)).byteLength;

  const options = { windowSize: 50, windows: 4, threshold };
  const toNews = streamWindows(profile, captions.slice(500), news, unk, options);
  const toForum = streamWindows(profile, captions.slice(500), forum, unk, options);
  const profileBytes = new TextEncoder().encode(JSON.stringify(profile)).byteLength;

  const metrics = {
    "monitoring.sketch_us_per_request": round(median(perRequest), 3),
    "monitoring.sketch_bytes": sketchBytes,
    "monitoring.detect_requests": toNews.detectRequests ?? -1,
  };
  return {
    bench: "monitoring",
    metrics,
    notes: [
      `Reference: 500 STS-B captions embedded by USE-lite (int8, onnxruntime-node); profile ${profileBytes} bytes in the manifest.`,
      `Hook cost: median of ${ROUNDS} interleaved rounds over ${inputs.length} single-text requests; monitoring off costs ${round(median(baseline), 3)} µs; the same multiply-adds in a bare loop take ${round(median(bareLoop), 3)} µs on this machine now (shared, loaded: the ratio is the figure to compare).`,
      `Drift: ${toNews.falseAlarms}/${toNews.judgedBefore} false alarms on held-out captions; alert after ${toNews.detectRequests} news requests, ${toForum.detectRequests} forum requests (threshold max PSI ≥ ${threshold.alert_at}).`,
      "Sketch bytes are JSON as shipped in the sync report (counts per statistic, edges stay in the profile).",
    ].join("\n"),
    table: [
      ["measure", "value"],
      ["sketch µs / request (monitoring on)", String(metrics["monitoring.sketch_us_per_request"])],
      ["hook µs / request (monitoring off)", String(round(median(baseline), 3))],
      ["bare loop of the same multiply-adds µs", String(round(median(bareLoop), 3))],
      ["sketch bytes / version / PoP / window", String(sketchBytes)],
      ["profile bytes (in the signed manifest)", String(profileBytes)],
      ["false alarms (captions windows)", `${toNews.falseAlarms}/${toNews.judgedBefore}`],
      ["requests to alert: captions → news", String(toNews.detectRequests)],
      ["requests to alert: captions → forum", String(toForum.detectRequests)],
    ],
  };
}

/**
 * µs per request of the hook with monitoring on and off, and of its multiply-adds in a bare loop
 * (the machine's speed right now), over `ROUNDS` interleaved rounds.
 */
function measureHookCost(
  manifest: ModelManifest,
  traffic: readonly { text: string; vector: ArrayLike<number> }[],
  profile: ReferenceProfile,
): { perRequest: number[]; baseline: number[]; bareLoop: number[] } {
  const inputs = traffic.map((r) => ({ text: [r.text] }));
  const outputs = traffic.map((r) => ({ embeddings: [r.vector] }));
  const perRequest: number[] = [];
  const baseline: number[] = [];
  const bareLoop: number[] = [];
  const d = profile.embedding?.centroid.length ?? 0;
  const directions = new Float64Array((1 + (profile.embedding?.projections.length ?? 0)) * d).fill(0.01);
  for (let pass = 0; pass < ROUNDS; pass++) {
    const recorder = new SketchRecorder({ windowMs: 60_000 });
    let t = performance.now();
    for (let i = 0; i < inputs.length; i++) {
      recorder.record(manifest, inputs[i], outputs[i]);
    }
    perRequest.push(((performance.now() - t) * 1000) / inputs.length);
    // Interleaved baseline: the same loop with monitoring off (a manifest without a profile).
    const off = { ...manifest, monitoring: undefined };
    t = performance.now();
    for (let i = 0; i < inputs.length; i++) {
      recorder.record(off, inputs[i], outputs[i]);
    }
    baseline.push(((performance.now() - t) * 1000) / inputs.length);
    // The machine's speed right now: the hook's multiply-adds (vector × centroid and projections) in a bare loop.
    t = performance.now();
    let sink = 0;
    for (const r of traffic) {
      for (let i = 0; i < d; i++) {
        const x = r.vector[i] ?? 0;
        for (let k = 0; k < directions.length / d; k++) {
          sink += x * (directions[k * d + i] ?? 0);
        }
      }
    }
    bareLoop.push(((performance.now() - t) * 1000) / traffic.length + (sink === Infinity ? 1 : 0));
  }
  return { perRequest, baseline, bareLoop };
}
