/**
 * @module
 * The TF.js graph-model `model.json` (converter format): the TensorFlow GraphDef as JSON plus a
 * manifest of binary weight shards. Validated before use: it comes from a package on disk.
 */
import { z } from "zod";

/** Shard paths are joined to the model's folder, so they must be plain file names. */
const ShardPathSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "weight shard paths must be plain file names");

export const TfjsWeightSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(["float32", "int32"]),
  /** Quantized TF.js weights would need de-quantizing first; none of the supported models use them. */
  quantization: z.undefined({ error: "quantized TF.js weights are not supported" }).optional(),
});
export type TfjsWeightSpec = z.infer<typeof TfjsWeightSpecSchema>;

export const TfjsNodeSchema = z.object({
  name: z.string().min(1),
  op: z.string().min(1),
  input: z.array(z.string()).default([]),
  /** Attribute values are read one by one with their own schemas (see tfjs-graph.ts). */
  attr: z.record(z.string(), z.unknown()).default({}),
});
export type TfjsNode = z.infer<typeof TfjsNodeSchema>;

export const TfjsModelJsonSchema = z.object({
  modelTopology: z.object({
    node: z.array(TfjsNodeSchema).min(1),
  }),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(ShardPathSchema).min(1),
        weights: z.array(TfjsWeightSpecSchema),
      }),
    )
    .min(1),
});
export type TfjsModelJson = z.infer<typeof TfjsModelJsonSchema>;
