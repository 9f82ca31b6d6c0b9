import { describe, expect, it } from "vitest";
import { bytesToBase64 } from "../../../shared/base64.ts";
import { decodeAudio } from "../../../shared/tasks/audio-input.ts";
import { codeOf } from "../../support/api-error-code.ts";

const base64Of = (samples: number[]) => bytesToBase64(new Uint8Array(Float32Array.from(samples).buffer));

describe("decodeAudio limits", () => {
  it("decodes float32 base64 and arrays up to the sample cap", () => {
    expect(Array.from(decodeAudio(base64Of([0.5, -0.25, 0]), 3))).toEqual([0.5, -0.25, 0]);
    expect(Array.from(decodeAudio([0.5, -1], 2))).toEqual([0.5, -1]);
  });

  it("refuses base64 holding more samples than the cap from its length, before decoding it", () => {
    expect(codeOf(() => decodeAudio(base64Of([0.1, 0.2, 0.3, 0.4]), 3))).toBe("audio_too_long");
    // Not even valid base64: refused for its length, so the 16 Mi characters are never decoded.
    expect(codeOf(() => decodeAudio("!".repeat(2 ** 24), 16_000))).toBe("audio_too_long");
    expect(codeOf(() => decodeAudio([0, 0, 0, 0], 3))).toBe("audio_too_long");
  });

  it("refuses NaN, infinities and samples out of [-1, 1], and non-float32 lengths", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -2]) {
      expect(codeOf(() => decodeAudio(base64Of([0, bad]), 100))).toBe("invalid_audio");
    }
    expect(codeOf(() => decodeAudio(bytesToBase64(new Uint8Array(6)), 100))).toBe("invalid_audio");
    expect(codeOf(() => decodeAudio("", 100))).toBe("invalid_audio");
  });
});
