/**
 * @module
 * Raw-tensor mode, for any model: `input: {tensors: {<name>: {dtype, dims, data}}}` in,
 * `{tensors: {...}}` out. Every input the model declares must be present, nothing else.
 */
import { z } from "zod";
import type { JsonTensor } from "./tensor-codec.ts";
import { ApiError } from "../errors.ts";
import type { ModelManifest } from "../manifest/model-manifest.ts";
import { parseOrThrow } from "./request-validation.ts";
import type { TaskAdapter } from "./task-adapter.ts";
import { type CheckedTensor, checkTensor, encodeTensor, JsonTensorSchema, toOrtTensor } from "./tensor-codec.ts";

const RawInputSchema = z.object({ tensors: z.record(z.string(), JsonTensorSchema) }).strict();
const RawParamsSchema = z.object({ encoding: z.enum(["json", "base64"]).default("json") }).strict();

export interface RawPrepared {
  tensors: Record<string, CheckedTensor>;
  encoding: "json" | "base64";
}

/** True when a predict input asks for raw-tensor mode. */
export function isRawInput(input: unknown): boolean {
  return typeof input === "object" && input !== null && !Array.isArray(input) && "tensors" in input;
}

export const rawTensorsAdapter: TaskAdapter<RawPrepared> = {
  task: "raw",

  prepare(input, parameters, manifest: ModelManifest) {
    const { tensors } = parseOrThrow(RawInputSchema, input, "input");
    const { encoding } = parseOrThrow(RawParamsSchema, parameters ?? {}, "parameters");
    const expected = manifest.io.inputs.map((s) => s.name);
    const missing = expected.filter((n) => !(n in tensors));
    const extra = Object.keys(tensors).filter((n) => !expected.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new ApiError(
        400,
        "invalid_tensor",
        `input.tensors must be exactly [${expected.join(", ")}]` +
          (missing.length > 0 ? `; missing ${missing.join(", ")}` : "") +
          (extra.length > 0 ? `; unknown ${extra.join(", ")}` : ""),
        { param: "input.tensors" },
      );
    }
    const max = manifest.runtime.max_input_elements;
    const checked = Object.fromEntries(
      manifest.io.inputs.map((spec) => [spec.name, checkTensor(tensors[spec.name] as JsonTensor, spec, max)]),
    );
    return { tensors: checked, encoding };
  },

  async execute(prepared, ctx) {
    const feeds = Object.fromEntries(
      Object.entries(prepared.tensors).map(([name, checked]) => [name, toOrtTensor(checked, ctx.Tensor)]),
    );
    const out = await ctx.run(feeds);
    const tensors = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, encodeTensor(t, prepared.encoding)]));
    const elements = Object.values(prepared.tensors).reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
    return { output: { tensors }, usage: { input_elements: elements } };
  },

  warmupInput() {
    return undefined;
  },
};
