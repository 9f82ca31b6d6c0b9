/**
 * @module
 * Turns token id lists into the padded `[batch, sequence]` int64 tensors a text encoder takes
 * (`input_ids` + `attention_mask`). Plain typed arrays, so any ONNX runtime can wrap them.
 */

export interface BatchInputs {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  /** `[batch, sequence]` */
  readonly dims: readonly [number, number];
}

export interface BatchOptions {
  /** Longer texts are cut to their first `maxLength` tokens (the model ignores the rest anyway). */
  readonly maxLength: number;
  readonly padId: number;
}

export function toBatchInputs(idLists: readonly (readonly number[])[], options: BatchOptions): BatchInputs {
  const batch = idLists.length;
  // At least one column: an all-empty batch must still be a valid (fully masked) tensor.
  let sequence = 1;
  for (const ids of idLists) {
    sequence = Math.max(sequence, Math.min(ids.length, options.maxLength));
  }
  const inputIds = new BigInt64Array(batch * sequence).fill(BigInt(options.padId));
  const attentionMask = new BigInt64Array(batch * sequence);
  idLists.forEach((ids, row) => {
    const length = Math.min(ids.length, options.maxLength);
    for (let col = 0; col < length; col++) {
      inputIds[row * sequence + col] = BigInt(ids[col] ?? options.padId);
      attentionMask[row * sequence + col] = 1n;
    }
  });
  return { inputIds, attentionMask, dims: [batch, sequence] };
}
