/**
 * @module
 * Text-line recognition with PaddleOCR's CRNN/SVTR recogniser (PP-OCRv4 rec): the line image
 * is scaled to a fixed height keeping its aspect ratio, normalised to [-1, 1] (BGR), padded
 * on the right, and the per-step class probabilities are CTC-decoded with the model's
 * dictionary (a file of the manifest, one character per line).
 */
import { z } from "zod";
import { ApiError } from "../errors.ts";
import { resizeBilinear } from "../image/resize.ts";
import type { RgbImage } from "../image/rgb-image.ts";
import { toChw } from "../image/to-tensor.ts";
import { ctcGreedy } from "./ctc-decode.ts";
import { ImageSchema, readImage } from "./image-input.ts";
import { parseOrThrow } from "./request-validation.ts";
import type { TaskAdapter } from "./task-adapter.ts";
import { tinyPngBase64 } from "./tiny-png.ts";

const RecSettingsSchema = z.object({
  image_height: z.number().int().min(8).max(256).default(48),
  /** PaddleOCR's default canvas width; longer lines widen it up to max_width. */
  min_width: z.number().int().min(8).default(320),
  max_width: z.number().int().min(8).max(4096).default(1600),
  max_pixels: z.number().int().positive().default(4_194_304),
  /** PaddleOCR appends a space class after the dictionary's characters. */
  use_space_char: z.boolean().default(true),
});

const RecInputSchema = z.object({ image: ImageSchema }).strict();

export interface RecPrepared {
  image: RgbImage;
}

export const ocrRecognitionAdapter: TaskAdapter<RecPrepared> = {
  task: "ocr-recognition",

  prepare(input, parameters, manifest) {
    const settings = parseOrThrow(RecSettingsSchema, manifest.settings, "settings");
    const body = parseOrThrow(RecInputSchema, input, "input");
    parseOrThrow(z.object({}).strict(), parameters ?? {}, "parameters");
    return { image: readImage(body.image, settings.max_pixels) };
  },

  async execute({ image }, ctx) {
    const s = parseOrThrow(RecSettingsSchema, ctx.manifest.settings, "settings");
    const charset = ctx.memoize("charset", () => readCharset(ctx.file("dictionary"), s.use_space_char));
    const h = s.image_height;
    const canvas = Math.min(s.max_width, Math.max(s.min_width, Math.ceil((h * image.width) / image.height)));
    const w = Math.max(1, Math.min(canvas, Math.ceil((h * image.width) / image.height)));
    const data = toChw(
      resizeBilinear(image, w, h),
      { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], order: "bgr" },
      canvas,
    );
    const inputName = ctx.manifest.io.inputs[0]?.name ?? "x";
    const out = await ctx.run({ [inputName]: new ctx.Tensor("float32", data, [1, 3, h, canvas]) });
    const probs = Object.values(out)[0];
    if (!probs || !(probs.data instanceof Float32Array) || probs.dims.length !== 3) {
      throw new Error("the recogniser returned no [1, steps, classes] output");
    }
    const [, steps = 0, classes = 0] = probs.dims;
    if (classes !== charset.length + 1) {
      throw new ApiError(
        500,
        "model_misconfigured",
        `the dictionary has ${charset.length} classes, the model ${classes - 1}`,
      );
    }
    return { output: ctcGreedy(probs.data, steps, classes, charset), usage: { pixels: image.width * image.height } };
  },

  warmupInput() {
    return { image: tinyPngBase64(96, 24) };
  },
};

function readCharset(bytes: Uint8Array | undefined, useSpace: boolean): string[] {
  if (!bytes) {
    throw new ApiError(500, "model_misconfigured", "the recogniser's manifest lists no dictionary file");
  }
  const lines = new TextDecoder().decode(bytes).split(/\r?\n/);
  if (lines.at(-1) === "") {
    lines.pop();
  }
  return useSpace ? [...lines, " "] : lines;
}
