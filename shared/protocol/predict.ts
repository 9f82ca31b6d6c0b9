/**
 * @module
 * `POST /v1/predict`: `{model, input, parameters?}` in, `{model, version, output, usage}` out.
 */
import { z } from "zod";

export const PredictRequestSchema = z
  .object({
    model: z.string().min(1).max(200),
    input: z.unknown().refine((v) => v !== undefined, "input is required"),
    parameters: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type PredictRequest = z.infer<typeof PredictRequestSchema>;

export interface PredictResponse {
  model: string;
  version: string;
  output: unknown;
  usage: Record<string, number>;
  provider: string;
}
