/**
 * @module
 * The genre-shift drift experiment shared by `test/unit/monitoring/genre-drift.test.ts` and
 * `npm run bench -- monitoring`: STS-B sentences (`EDGEFLEET_DATA_DIR`) split by genre, embedded once
 * by the real USE-lite (vectors cached on disk), turned into the monitoring observations an edge
 * records — text statistics from the model's own tokenizer and embedding statistics — then a
 * reference profile from one genre, in-genre traffic in windows (false alarms) and a switch to
 * another genre (requests until the alert).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { USE_LITE_FILES } from "../../cli/model-import/build-use-lite.ts";
import { ensureUseLite } from "../../cli/models/use-lite-model.ts";
import type { DriftAlert } from "../../shared/monitoring/drift-monitor.ts";
import { DriftMonitor } from "../../shared/monitoring/drift-monitor.ts";
import type { DriftThreshold } from "../../shared/monitoring/drift.ts";
import type { Observation, ReferenceProfile } from "../../shared/monitoring/profile.ts";
import { buildReferenceProfile, embeddingObservation, textObservation } from "../../shared/monitoring/profile.ts";
import { LiveSketch } from "../../shared/monitoring/sketch.ts";
import { SentencePieceUnigramTokenizer } from "../../shared/tokenizers/sentencepiece-unigram.ts";
import { SentencePieceVocabSchema } from "../../shared/tokenizers/sentencepiece-vocab.ts";
import { cacheDataDir } from "./cache-dev-pairs.ts";
import { seededRandom } from "./synthetic-vectors.ts";
import { useLiteEmbedder } from "../../cli/models/use-lite-embedder.ts";

export interface GenreRequest {
  text: string;
  tokens: number[];
  vector: Float32Array;
}

/**
 * First sentences of STS-B train by genre, distinct, in a seeded shuffle: the file is ordered by
 * source (within captions, MSRvid then images), and live traffic of one genre is a mix, not a
 * walk through the file, so reference and traffic must be draws from the same mix.
 */
export function stsbByGenre(dir = cacheDataDir()): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const line of readFileSync(join(dir, "stsb-train.tsv"), "utf8").split("\n")) {
    const [genre, , , , , a] = line.split("\t");
    if (genre && a && !seen.has(a)) {
      seen.add(a);
      out.set(genre, [...(out.get(genre) ?? []), a.trim()]);
    }
  }
  const random = seededRandom(0x57b);
  for (const list of out.values()) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor((random() + 0.5) * (i + 1)); // seededRandom gives [-0.5, 0.5)
      [list[i], list[j]] = [list[j] ?? "", list[i] ?? ""];
    }
  }
  return out;
}

/** Tokenizes and embeds texts with the real USE-lite (int8, onnxruntime-node). */
export async function embedRequests(texts: readonly string[]): Promise<GenreRequest[]> {
  const { dir } = ensureUseLite();
  const vocab = SentencePieceVocabSchema.parse(JSON.parse(readFileSync(join(dir, USE_LITE_FILES.vocab), "utf8")));
  const tokenizer = new SentencePieceUnigramTokenizer(vocab);
  const embedder = await useLiteEmbedder();
  const vectors = await embedder.embed(texts);
  return texts.map((text, i) => ({ text, tokens: tokenizer.encode(text), vector: vectors[i] ?? new Float32Array() }));
}

export function unkIdOf(): number {
  const { dir } = ensureUseLite();
  return SentencePieceVocabSchema.parse(JSON.parse(readFileSync(join(dir, USE_LITE_FILES.vocab), "utf8"))).unk_id;
}

/** What the edge records for one embeddings request. */
export function observationOf(request: GenreRequest, unkId: number, profile: ReferenceProfile): Observation {
  const text = textObservation(request.text, request.tokens, unkId);
  return profile.embedding ? { ...text, ...embeddingObservation(request.vector, profile.embedding) } : text;
}

export function genreProfile(reference: readonly GenreRequest[], unkId: number): ReferenceProfile {
  return buildReferenceProfile({
    observations: reference.map((r) => textObservation(r.text, r.tokens, unkId)),
    vectors: reference.map((r) => r.vector),
  });
}

export interface StreamResult {
  /** Windows judged (enough samples) before the switch, and how many of them alerted. */
  judgedBefore: number;
  falseAlarms: number;
  /** Requests after the switch until the first alert; null when none fired. */
  detectRequests: number | null;
  alerts: DriftAlert[];
}

/**
 * Streams `before` then `after` through one PoP's sketch in windows of `windowSize` requests and a
 * DriftMonitor that merges the last `windows` windows; every window is one sync report.
 */
export function streamWindows(
  profile: ReferenceProfile,
  before: readonly GenreRequest[],
  after: readonly GenreRequest[],
  unkId: number,
  options: { windowSize: number; windows: number; threshold: DriftThreshold },
): StreamResult {
  const monitor = new DriftMonitor(profile, options.threshold, options.windows);
  const all = [...before, ...after];
  const result: StreamResult = { judgedBefore: 0, falseAlarms: 0, detectRequests: null, alerts: [] };
  const windowMs = 60_000;
  for (let start = 0, w = 0; start < all.length; start += options.windowSize, w++) {
    const sketch = new LiveSketch(profile);
    const end = Math.min(all.length, start + options.windowSize);
    for (let i = start; i < end; i++) {
      const r = all[i];
      if (r) {
        sketch.observe(observationOf(r, unkId, profile));
      }
    }
    const alerts = monitor
      .ingest("pop-1", sketch.report("use-lite", "1.0.0", w * windowMs, windowMs), w * windowMs)
      .filter((a) => a.scope === "pop-1");
    result.alerts.push(...alerts);
    if (end <= before.length) {
      if (monitor.score("pop-1").score !== null) {
        result.judgedBefore++;
        result.falseAlarms += alerts.length;
      }
    } else if (alerts.length > 0 && result.detectRequests === null) {
      result.detectRequests = end - before.length;
    }
  }
  return result;
}
