/**
 * @module
 * `edgefleet publish --reference <file>`: the version's drift reference. Every predict input in
 * the file (a JSON array, or one JSON input per line) runs through the model on onnxruntime-node,
 * and the statistics the edge will sketch of live traffic are profiled from inputs and outputs
 * (docs/monitoring.md). Without a file, the golden input is the (one-request) reference set.
 */
import { predict } from "../../shared/engine/predict.ts";
import type { ModelMonitoring } from "../../shared/monitoring/monitoring-settings.ts";
import { observationsOf } from "../../shared/monitoring/observe.ts";
import type { Observation } from "../../shared/monitoring/profile.ts";
import { buildReferenceProfile } from "../../shared/monitoring/profile.ts";
import type { ModelDraft } from "../../shared/registry/publish.ts";
import { UserError } from "../output.ts";
import { draftEngine } from "./golden.ts";

/** Parses a reference file: a JSON array of inputs, or JSON Lines. */
export function parseReferenceInputs(text: string): unknown[] {
  const trimmed = text.trim();
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) {
      return whole;
    }
  } catch {
    // not one JSON document: try JSON Lines
  }
  return trimmed
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new UserError(`--reference line ${i + 1} is not JSON`);
      }
    });
}

export async function recordReferenceProfile(
  draft: ModelDraft,
  inputs: readonly unknown[],
  alertAt = 0.25,
): Promise<ModelMonitoring> {
  if (inputs.length === 0) {
    throw new UserError("--reference holds no inputs");
  }
  const { engine, manifest } = await draftEngine(draft);
  const observations: Observation[] = [];
  const vectors: number[][] = [];
  for (const input of inputs) {
    const { output } = await predict(engine, manifest, input, {});
    // Without a profile yet, embeddings give their text statistics; the vectors make the basis.
    observations.push(...observationsOf(manifest.task, input, output));
    if (manifest.task === "embeddings") {
      const e = (output as { embeddings?: unknown }).embeddings;
      if (Array.isArray(e)) {
        vectors.push(...e.filter((v): v is number[] => Array.isArray(v)));
      }
    }
  }
  const profile = buildReferenceProfile({ observations, ...(vectors.length > 0 ? { vectors } : {}) });
  return { profile, drift: { alert_at: alertAt, min_samples: Math.min(200, Math.max(20, observations.length)) } };
}
