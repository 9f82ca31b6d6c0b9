/**
 * @module
 * Greedy CTC decoding: the most likely class per time step, repeats collapsed, blanks
 * (class 0) removed. Confidence is the mean probability of the kept steps.
 */

export interface CtcResult {
  text: string;
  confidence: number;
}

/** `probs` is steps x classes (softmax output); `charset[k - 1]` is the character of class k. */
export function ctcGreedy(probs: Float32Array, steps: number, classes: number, charset: readonly string[]): CtcResult {
  let text = "";
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    const row = t * classes;
    for (let k = 0; k < classes; k++) {
      const p = probs[row + k] ?? 0;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += charset[best - 1] ?? "";
      sum += bestP;
      kept += 1;
    }
    previous = best;
  }
  return { text, confidence: kept === 0 ? 0 : Math.round((sum / kept) * 1e4) / 1e4 };
}
