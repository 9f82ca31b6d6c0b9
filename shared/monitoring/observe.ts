/**
 * @module
 * Turns one answered request (its predict input and output) into the monitoring observations of
 * its task, the same at publish (reference set) and at the edge (live traffic). Text statistics
 * that need the model's tokenizer (`text.tokens`, `text.unk_rate`) come from callers that hold it
 * (publish); the edge's hook records what the request and answer carry, and drift skips a
 * statistic a sketch has no values for.
 */
import type { Task } from "../manifest/model-manifest.ts";
import type { Observation, ReferenceProfile } from "./profile.ts";
import { embeddingObservation, ocrObservation, vadObservation } from "./profile.ts";

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function numbers(value: unknown): ArrayLike<number> {
  if (value instanceof Float32Array) {
    return value; // the embeddings route hands its vectors over without a copy
  }
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

function texts(input: unknown): string[] {
  const t = record(input)["text"];
  if (typeof t === "string") {
    return [t];
  }
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

/** One observation per text (embeddings) or per request (other tasks); [] for raw tensors and cache scorers. */
export function observationsOf(task: Task, input: unknown, output: unknown, profile?: ReferenceProfile): Observation[] {
  const out = record(output);
  switch (task) {
    case "embeddings": {
      const vectors = Array.isArray(out["embeddings"]) ? out["embeddings"].map(numbers) : [];
      return texts(input).map((text, i) => {
        const v = vectors[i];
        const base: Observation = { "text.chars": text.length };
        return profile?.embedding && v ? { ...base, ...embeddingObservation(v, profile.embedding) } : base;
      });
    }
    case "vad":
      return [vadObservation(Array.from(numbers(out["probabilities"])))];
    case "ocr-detection": {
      const boxes = Array.isArray(out["boxes"]) ? out["boxes"].map(record) : [];
      return [ocrObservation(boxes.map((b) => Number(b["score"] ?? b["confidence"] ?? 0)))];
    }
    case "ocr-recognition": {
      const conf = out["confidence"];
      return typeof conf === "number" ? [{ "ocr.confidence": conf }] : [];
    }
    case "raw":
    case "cache-scorer":
      return [];
  }
}
