/**
 * Drift on a task model: real Silero VAD (onnxruntime-node) on half-second clips. The reference is
 * clips of the recorded speech fixture at random offsets and gains; live traffic of the same kind
 * raises no alert, then clips of synthesised noise (a microphone moved next to a fan or a road:
 * the input the model now sees is no longer speech) shift the speech-probability distribution and
 * the alert fires. What is sketched is the model's per-frame speech probability, never the audio.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultModelDraft } from "../../support/default-model-draft.ts";
import { seededRandom } from "../../support/synthetic-vectors.ts";
import { draftEngine } from "../../../cli/registry/golden.ts";
import type { ModelEngine } from "../../../shared/engine/model-engine.ts";
import { predict } from "../../../shared/engine/predict.ts";
import type { ModelManifest } from "../../../shared/manifest/model-manifest.ts";
import { DriftMonitor } from "../../../shared/monitoring/drift-monitor.ts";
import { observationsOf } from "../../../shared/monitoring/observe.ts";
import type { Observation, ReferenceProfile } from "../../../shared/monitoring/profile.ts";
import { buildReferenceProfile } from "../../../shared/monitoring/profile.ts";
import { LiveSketch } from "../../../shared/monitoring/sketch.ts";
import { readWavPcm16 } from "../../support/wav.ts";

const CLIP = 8000; // 0.5 s at 16 kHz: 15 frames of 512
const WINDOW = 30; // clips per sync report
const THRESHOLD = { alert_at: 0.25, min_samples: 120 };

describe("VAD drift: speech → noise with the real Silero", () => {
  const random = seededRandom(7);
  const uniform = () => random() + 0.5;
  let speech: Float32Array = new Float32Array();
  let engine: ModelEngine;
  let manifest: ModelManifest;
  let profile: ReferenceProfile;

  function speechClip(): number[] {
    const start = Math.floor(uniform() * (speech.length - CLIP));
    const gain = 0.5 + uniform();
    return Array.from(speech.subarray(start, start + CLIP), (x) => Math.max(-1, Math.min(1, x * gain)));
  }

  function noiseClip(): number[] {
    // Brown-ish noise (integrated white noise, leaky) at a speech-like level.
    let y = 0;
    return Array.from({ length: CLIP }, () => {
      y = 0.98 * y + 0.05 * random();
      return Math.max(-1, Math.min(1, y));
    });
  }

  async function observe(audio: number[]): Promise<Observation[]> {
    const input = { audio, sample_rate: 16000 };
    const result = await predict(engine, manifest, input, {});
    return observationsOf("vad", input, result.output);
  }

  beforeAll(async () => {
    speech = readWavPcm16(
      readFileSync(fileURLToPath(new URL("../../fixtures/speech-16k.wav", import.meta.url))),
    ).samples;
    ({ engine, manifest } = await draftEngine(await defaultModelDraft("silero-vad", "4.0.0")));
    const reference: Observation[] = [];
    for (let i = 0; i < 240; i++) {
      reference.push(...(await observe(speechClip())));
    }
    profile = buildReferenceProfile({ observations: reference });
  }, 120_000);

  it("alerts within two windows (60 clips) of noise, never on speech", async () => {
    const monitor = new DriftMonitor(profile, THRESHOLD, 4);
    let judged = 0;
    let falseAlarms = 0;
    let detectClips: number | null = null;
    let statistic: string | undefined;
    const scores: string[] = [];
    for (let w = 0; w < 14; w++) {
      const noisy = w >= 11;
      const sketch = new LiveSketch(profile);
      for (let i = 0; i < WINDOW; i++) {
        for (const o of await observe(noisy ? noiseClip() : speechClip())) {
          sketch.observe(o);
        }
      }
      const alerts = monitor
        .ingest("pop-1", sketch.report("silero-vad", "4.0.0", w * 60_000, 60_000))
        .filter((a) => a.scope === "pop-1");
      scores.push(`${monitor.score("pop-1").score?.toFixed(2) ?? "-"}`);
      if (!noisy && monitor.score("pop-1").score !== null) {
        judged++;
        falseAlarms += alerts.length;
      }
      if (noisy && alerts.length > 0 && detectClips === null) {
        detectClips = (w - 10) * WINDOW;
        statistic = alerts[0]?.statistic;
      }
    }
    console.log(
      `VAD speech→noise: ${falseAlarms}/${judged} false alarms, alert after ${detectClips} noise clips; scores ${scores.join(" ")}`,
    );
    expect(judged).toBeGreaterThanOrEqual(7);
    expect(falseAlarms).toBe(0);
    expect(detectClips ?? Infinity).toBeLessThanOrEqual(2 * WINDOW);
    expect(statistic).toMatch(/^vad\./);
  }, 120_000);
});
