/**
 * @module
 * How a model's inputs and outputs are described in its manifest, so requests can be
 * checked against them before any inference runs.
 */
import { z } from "zod";

export const TENSOR_DTYPES = ["float32", "float16", "int64", "int32", "int8", "uint8", "bool"] as const;
export const TensorDTypeSchema = z.enum(TENSOR_DTYPES);
export type TensorDType = z.infer<typeof TensorDTypeSchema>;

/** A dimension is a fixed size, or a name for a size chosen per request (`batch`, `height`). */
export const DimSchema = z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]);

export const TensorSpecSchema = z.object({
  name: z.string().min(1).max(128),
  dtype: TensorDTypeSchema,
  shape: z.array(DimSchema).max(8),
});
export type TensorSpec = z.infer<typeof TensorSpecSchema>;

export const ModelIoSchema = z.object({
  inputs: z.array(TensorSpecSchema).min(1).max(32),
  outputs: z.array(TensorSpecSchema).min(1).max(32),
});
export type ModelIo = z.infer<typeof ModelIoSchema>;
