/**
 * @module
 * Mono PCM audio in a request: an array of float samples in [-1, 1], or base64 of
 * little-endian float32 samples (compact for long clips). The sample cap is checked before
 * anything is allocated: for base64, from the string's length (every 4 characters carry at
 * most 3 bytes), so an oversized clip is refused without being decoded.
 */
import { z } from "zod";
import { base64ToBytes } from "../base64.ts";
import { ApiError } from "../errors.ts";

export const AudioSchema = z.union([z.array(z.number().min(-1).max(1)), z.string().min(1)]);

export function decodeAudio(audio: z.infer<typeof AudioSchema>, maxSamples: number): Float32Array {
  if (typeof audio !== "string") {
    checkSampleCount(audio.length, maxSamples);
    if (audio.length === 0) {
      throw invalidAudio("input.audio is empty");
    }
    return Float32Array.from(audio);
  }
  checkSampleCount(Math.floor(base64ByteLength(audio, maxSamples * 4) / 4), maxSamples);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(audio);
  } catch {
    throw invalidAudio("input.audio is not valid base64");
  }
  if (bytes.byteLength % 4 !== 0) {
    throw invalidAudio("input.audio base64 must hold float32 samples (a multiple of 4 bytes)");
  }
  if (bytes.byteLength === 0) {
    throw invalidAudio("input.audio is empty");
  }
  // base64ToBytes returns a fresh buffer starting at offset 0: view it, no copy.
  const samples = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  for (const v of samples) {
    // NaN fails both comparisons, so this one test also refuses NaN and ±Infinity.
    if (!(v >= -1 && v <= 1)) {
      throw invalidAudio("input.audio samples must be finite and within [-1, 1]");
    }
  }
  return samples;
}

/**
 * An upper bound of the byte count base64 text decodes to, without decoding it: 3 bytes per
 * 4 characters. Only when that quick bound is over the cap are the characters `atob` skips
 * (ASCII whitespace, padding) counted out, so an ordinary clip costs nothing here and a
 * wrapped one near the cap is not refused for its line breaks.
 */
function base64ByteLength(text: string, maxBytes: number): number {
  const quick = Math.floor((text.length * 3) / 4);
  if (quick <= maxBytes) {
    return quick;
  }
  let chars = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 61 && c !== 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) {
      chars++;
    }
  }
  return Math.floor((chars * 3) / 4);
}

function checkSampleCount(count: number, maxSamples: number): void {
  if (count > maxSamples) {
    throw new ApiError(
      400,
      "audio_too_long",
      `input.audio has ${count} samples; this model takes at most ${maxSamples}`,
      {
        param: "input.audio",
      },
    );
  }
}

function invalidAudio(message: string): ApiError {
  return new ApiError(400, "invalid_audio", message, { param: "input.audio" });
}
