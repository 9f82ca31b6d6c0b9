/**
 * @module
 * Mono PCM audio in a request: an array of float samples in [-1, 1], or base64 of
 * little-endian float32 samples (compact for long clips).
 */
import { z } from "zod";
import { base64ToBytes } from "../base64.ts";
import { ApiError } from "../errors.ts";

export const AudioSchema = z.union([z.array(z.number().min(-1).max(1)), z.string().min(1)]);

export function decodeAudio(audio: z.infer<typeof AudioSchema>, maxSamples: number): Float32Array {
  let samples: Float32Array;
  if (typeof audio === "string") {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(audio);
    } catch {
      throw new ApiError(400, "invalid_audio", "input.audio is not valid base64", { param: "input.audio" });
    }
    if (bytes.byteLength % 4 !== 0) {
      throw new ApiError(400, "invalid_audio", "input.audio base64 must hold float32 samples (a multiple of 4 bytes)", {
        param: "input.audio",
      });
    }
    samples = new Float32Array(bytes.slice().buffer);
    if (samples.some((v) => !Number.isFinite(v) || v < -1 || v > 1)) {
      throw new ApiError(400, "invalid_audio", "input.audio samples must be finite and within [-1, 1]", {
        param: "input.audio",
      });
    }
  } else {
    samples = Float32Array.from(audio);
  }
  if (samples.length === 0) {
    throw new ApiError(400, "invalid_audio", "input.audio is empty", { param: "input.audio" });
  }
  if (samples.length > maxSamples) {
    throw new ApiError(
      400,
      "audio_too_long",
      `input.audio has ${samples.length} samples; this model takes at most ${maxSamples}`,
      {
        param: "input.audio",
      },
    );
  }
  return samples;
}
