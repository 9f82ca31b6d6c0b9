/**
 * @module
 * Voice activity detection with Silero VAD (v4 graph: `input`, `sr`, LSTM state `h`/`c`).
 * The clip is cut into frames that run one after another, carrying the recurrent state;
 * the answer is the speech probability of every frame and the speech segments in seconds.
 */
import { z } from "zod";
import type { Tensor } from "../engine/ort-runtime.ts";
import { ApiError } from "../errors.ts";
import { AudioSchema, decodeAudio } from "./audio-input.ts";
import { parseOrThrow } from "./request-validation.ts";
import { speechSegments } from "./speech-segments.ts";
import type { TaskAdapter } from "./task-adapter.ts";

const VadSettingsSchema = z.object({
  /** Seconds of audio one request may carry (each frame is one session run). */
  max_seconds: z.number().positive().max(600).default(60),
  state_shape: z.tuple([z.number().int(), z.number().int()]).default([2, 64]),
});

const VadInputSchema = z
  .object({
    audio: AudioSchema,
    sample_rate: z.union([z.literal(16000), z.literal(8000)]).default(16000),
  })
  .strict();

const VadParamsSchema = z
  .object({
    /** Silero supports 512/1024/1536 samples at 16 kHz and 256/512/768 at 8 kHz. */
    frame_samples: z.number().int().optional(),
    threshold: z.number().min(0.05).max(0.95).default(0.5),
    min_speech_ms: z.number().min(0).max(10_000).default(250),
    min_silence_ms: z.number().min(0).max(10_000).default(100),
  })
  .strict();

export interface VadPrepared {
  samples: Float32Array;
  sampleRate: 8000 | 16000;
  frame: number;
  threshold: number;
  minSpeechMs: number;
  minSilenceMs: number;
}

const FRAME_CHOICES: Record<8000 | 16000, readonly number[]> = { 16000: [512, 1024, 1536], 8000: [256, 512, 768] };

export const vadAdapter: TaskAdapter<VadPrepared> = {
  task: "vad",

  prepare(input, parameters, manifest) {
    const settings = parseOrThrow(VadSettingsSchema, manifest.settings, "settings");
    const body = parseOrThrow(VadInputSchema, input, "input");
    const params = parseOrThrow(VadParamsSchema, parameters ?? {}, "parameters");
    const choices = FRAME_CHOICES[body.sample_rate];
    const frame = params.frame_samples ?? (choices[0] as number);
    if (!choices.includes(frame)) {
      throw new ApiError(
        400,
        "invalid_request",
        `parameters.frame_samples must be one of ${choices.join(", ")} at ${body.sample_rate} Hz`,
        {
          param: "parameters.frame_samples",
        },
      );
    }
    const samples = decodeAudio(body.audio, Math.floor(settings.max_seconds * body.sample_rate));
    return {
      samples,
      sampleRate: body.sample_rate,
      frame,
      threshold: params.threshold,
      minSpeechMs: params.min_speech_ms,
      minSilenceMs: params.min_silence_ms,
    };
  },

  async execute(p, ctx) {
    const [layers, width] = parseOrThrow(VadSettingsSchema, ctx.manifest.settings, "settings").state_shape;
    const sr = new ctx.Tensor("int64", BigInt64Array.from([BigInt(p.sampleRate)]), []);
    let h: Tensor = new ctx.Tensor("float32", new Float32Array(layers * width), [layers, 1, width]);
    let c: Tensor = new ctx.Tensor("float32", new Float32Array(layers * width), [layers, 1, width]);
    const probabilities: number[] = [];
    for (let start = 0; start < p.samples.length; start += p.frame) {
      // The last frame is zero-padded: the model needs a whole frame.
      const frame = new Float32Array(p.frame);
      frame.set(p.samples.subarray(start, Math.min(start + p.frame, p.samples.length)));
      const out = await ctx.run({ input: new ctx.Tensor("float32", frame, [1, p.frame]), sr, h, c });
      const prob = out.output?.data;
      if (!(prob instanceof Float32Array) || !out.hn || !out.cn) {
        throw new Error("Silero VAD returned unexpected outputs");
      }
      probabilities.push(prob[0] ?? 0);
      h = out.hn;
      c = out.cn;
    }
    const frameSeconds = p.frame / p.sampleRate;
    const segments = speechSegments(probabilities, {
      threshold: p.threshold,
      minSpeechFrames: Math.ceil(p.minSpeechMs / 1000 / frameSeconds),
      minSilenceFrames: Math.max(1, Math.ceil(p.minSilenceMs / 1000 / frameSeconds)),
    });
    return {
      output: {
        sample_rate: p.sampleRate,
        frame_samples: p.frame,
        probabilities,
        segments: segments.map(([a, b]) => ({
          start: round3(a * frameSeconds),
          end: round3(Math.min(b * frameSeconds, p.samples.length / p.sampleRate)),
        })),
      },
      usage: { frames: probabilities.length, audio_ms: Math.round((p.samples.length / p.sampleRate) * 1000) },
    };
  },

  warmupInput() {
    return { audio: Array.from({ length: 1024 }, () => 0), sample_rate: 16000 };
  },
};

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
