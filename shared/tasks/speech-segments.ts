/**
 * @module
 * Speech segments from per-frame speech probabilities, with hysteresis: speech starts at the
 * threshold and ends only after `minSilenceFrames` frames below `threshold - 0.15` (the rule
 * Silero's own reference uses), and segments shorter than `minSpeechFrames` are dropped.
 */

export interface SegmentOptions {
  threshold: number;
  minSpeechFrames: number;
  minSilenceFrames: number;
}

/** Segments as [startFrame, endFrame) pairs. */
export function speechSegments(probs: readonly number[], o: SegmentOptions): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const low = Math.max(0, o.threshold - 0.15);
  let start = -1;
  let silence = 0;
  probs.forEach((p, i) => {
    if (start < 0) {
      if (p >= o.threshold) {
        start = i;
        silence = 0;
      }
      return;
    }
    silence = p < low ? silence + 1 : 0;
    if (silence >= o.minSilenceFrames) {
      push(start, i - silence + 1);
      start = -1;
    }
  });
  if (start >= 0) {
    push(start, probs.length);
  }
  return out;

  function push(from: number, to: number): void {
    if (to - from >= o.minSpeechFrames) {
      out.push([from, to]);
    }
  }
}
