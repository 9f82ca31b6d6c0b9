/**
 * @module
 * Reads the weights of a TF.js graph model: each manifest group is a list of shards that,
 * concatenated, hold its weights back to back in little-endian order.
 */
import type { TfjsModelJson } from "./tfjs-model-json.ts";

export interface TfjsWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** Reads one shard by its (validated, plain) file name. */
export type ShardReader = (path: string) => Uint8Array;

export function loadTfjsWeights(modelJson: TfjsModelJson, readShard: ShardReader): Map<string, TfjsWeight> {
  const weights = new Map<string, TfjsWeight>();
  for (const group of modelJson.weightsManifest) {
    const shards = group.paths.map(readShard);
    const total = shards.reduce((sum, s) => sum + s.length, 0);
    // One aligned buffer per group: weights may straddle shard boundaries.
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const shard of shards) {
      bytes.set(shard, offset);
      offset += shard.length;
    }
    let position = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const byteLength = count * 4;
      if (position + byteLength > total) {
        throw new Error(`weight ${spec.name} runs past the end of its shards (${total} bytes)`);
      }
      const slice = bytes.buffer.slice(position, position + byteLength);
      const data = spec.dtype === "float32" ? new Float32Array(slice) : new Int32Array(slice);
      if (weights.has(spec.name)) {
        throw new Error(`weight ${spec.name} appears twice in the manifest`);
      }
      weights.set(spec.name, { name: spec.name, shape: spec.shape, data });
      position += byteLength;
    }
    if (position !== total) {
      throw new Error(`weight shards hold ${total} bytes but the manifest describes ${position}`);
    }
  }
  return weights;
}
