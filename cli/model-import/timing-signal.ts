/**
 * @module
 * The sinusoidal timing signal of the USE-lite encoder, precomputed for every position the model
 * sees. The TF graph computes it per run (sin and cos of position · frequency, in float32); a
 * table computed the same way here gives the same numbers and costs a Slice instead.
 */

/** `[positions, 2 · frequencies]`: row p is [sin(p·f₀) … sin(p·fₙ), cos(p·f₀) … cos(p·fₙ)]. */
export function timingSignalTable(invTimescales: Float32Array, positions: number): Float32Array {
  const half = invTimescales.length;
  const table = new Float32Array(positions * half * 2);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      // float32 product first, as the graph multiplies two float32 tensors.
      const angle = Math.fround(p * (invTimescales[i] ?? 0));
      table[p * half * 2 + i] = Math.sin(angle);
      table[p * half * 2 + half + i] = Math.cos(angle);
    }
  }
  return table;
}
