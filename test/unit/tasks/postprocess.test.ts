import { describe, expect, it } from "vitest";
import { ctcGreedy } from "../../../shared/tasks/ctc-decode.ts";
import { dbBoxes } from "../../../shared/tasks/db-postprocess.ts";
import { speechSegments } from "../../../shared/tasks/speech-segments.ts";

describe("speechSegments", () => {
  const o = { threshold: 0.5, minSpeechFrames: 2, minSilenceFrames: 2 };
  it("opens at the threshold, closes after enough silence, and drops blips", () => {
    const probs = [0.1, 0.9, 0.8, 0.9, 0.2, 0.1, 0.1, 0.7, 0.1, 0.1, 0.1];
    expect(speechSegments(probs, o)).toEqual([[1, 4]]);
  });
  it("bridges short dips below the threshold (hysteresis) and closes at the end", () => {
    expect(speechSegments([0.9, 0.45, 0.9, 0.2, 0.9, 0.9], o)).toEqual([[0, 6]]);
  });
});

describe("ctcGreedy", () => {
  it("collapses repeats, drops blanks, keeps doubled letters separated by a blank", () => {
    const charset = ["a", "b", "l"];
    const steps = [1, 1, 0, 3, 0, 3, 2]; // a a _ l _ l b
    const probs = new Float32Array(steps.length * 4);
    steps.forEach((k, t) => {
      probs[t * 4 + k] = 0.9;
    });
    expect(ctcGreedy(probs, steps.length, 4, charset)).toEqual({ text: "allb", confidence: 0.9 });
  });
});

describe("dbBoxes", () => {
  it("finds two separate regions, scales them to the source image, and drops weak ones", () => {
    const w = 40;
    const h = 20;
    const map = new Float32Array(w * h);
    const fill = (x0: number, y0: number, x1: number, y1: number, p: number) => {
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          map[y * w + x] = p;
        }
      }
    };
    fill(2, 2, 20, 6, 0.95); // strong line
    fill(5, 12, 30, 16, 0.95); // second line
    fill(32, 2, 38, 8, 0.4); // above thresh, below box_thresh: dropped
    const boxes = dbBoxes(
      map,
      w,
      h,
      { x: 2, y: 2, maxX: 80, maxY: 40 },
      { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, maxCandidates: 100, minSize: 3 },
    );
    expect(boxes).toHaveLength(2);
    const [first, second] = boxes;
    expect(first?.points[0][1]).toBeLessThan(second?.points[0][1] ?? 0);
    // Unclipped outward: the first box (x 2..20 in map pixels) grows beyond 4..40 in source pixels.
    expect(first?.points[0][0]).toBeLessThan(4);
    expect(first?.points[1][0]).toBeGreaterThan(40);
    expect(first?.score).toBeCloseTo(0.95, 3);
  });
});
