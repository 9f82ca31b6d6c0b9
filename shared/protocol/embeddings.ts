/**
 * @module
 * `POST /v1/embeddings`, OpenAI-compatible.
 */
import { z } from "zod";

export const EmbeddingsRequestSchema = z
  .object({
    model: z.string().min(1).max(200),
    input: z.union([
      z.string(),
      z.array(z.string()).min(1).max(2048),
      z.array(z.number()).min(1),
      z.array(z.array(z.number())).min(1),
    ]),
    encoding_format: z.enum(["float", "base64"]).default("float"),
    dimensions: z.number().int().positive().optional(),
    user: z.string().max(256).optional(),
  })
  .strict();
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequestSchema>;

export interface EmbeddingsResponse {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
