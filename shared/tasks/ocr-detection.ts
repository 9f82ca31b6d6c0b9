/**
 * @module
 * Text detection with PaddleOCR's DB detector (PP-OCRv4 det): the image is scaled so its
 * longer side fits `limit_side_len`, both sides rounded to multiples of 32, normalised
 * (BGR, ImageNet mean/std), and the probability map becomes text boxes.
 */
import { z } from "zod";
import { resizeBilinear } from "../image/resize.ts";
import { toChw } from "../image/to-tensor.ts";
import type { RgbImage } from "../image/rgb-image.ts";
import { dbBoxes } from "./db-postprocess.ts";
import { ImageSchema, readImage } from "./image-input.ts";
import { parseOrThrow } from "./request-validation.ts";
import type { TaskAdapter } from "./task-adapter.ts";
import { tinyPngBase64 } from "./tiny-png.ts";

const DetSettingsSchema = z.object({
  max_pixels: z.number().int().positive().default(4_194_304),
  max_side_len: z.number().int().min(32).max(4096).default(1280),
});

const DetInputSchema = z.object({ image: ImageSchema }).strict();

const DetParamsSchema = z
  .object({
    limit_side_len: z.number().int().min(32).max(4096).default(960),
    thresh: z.number().min(0).max(1).default(0.3),
    box_thresh: z.number().min(0).max(1).default(0.6),
    unclip_ratio: z.number().min(0.5).max(4).default(1.5),
    max_candidates: z.number().int().min(1).max(5000).default(1000),
  })
  .strict();

export interface DetPrepared {
  image: RgbImage;
  params: z.infer<typeof DetParamsSchema>;
}

export const ocrDetectionAdapter: TaskAdapter<DetPrepared> = {
  task: "ocr-detection",

  prepare(input, parameters, manifest) {
    const settings = parseOrThrow(DetSettingsSchema, manifest.settings, "settings");
    const body = parseOrThrow(DetInputSchema, input, "input");
    const params = parseOrThrow(DetParamsSchema, parameters ?? {}, "parameters");
    params.limit_side_len = Math.min(params.limit_side_len, settings.max_side_len);
    return { image: readImage(body.image, settings.max_pixels), params };
  },

  async execute({ image, params }, ctx) {
    const ratio = Math.min(1, params.limit_side_len / Math.max(image.width, image.height));
    const w = Math.max(32, Math.round((image.width * ratio) / 32) * 32);
    const h = Math.max(32, Math.round((image.height * ratio) / 32) * 32);
    const resized = resizeBilinear(image, w, h);
    const data = toChw(resized, { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], order: "bgr" });
    const inputName = ctx.manifest.io.inputs[0]?.name ?? "x";
    const out = await ctx.run({ [inputName]: new ctx.Tensor("float32", data, [1, 3, h, w]) });
    const map = Object.values(out)[0]?.data;
    if (!(map instanceof Float32Array)) {
      throw new Error("the detector returned no float map");
    }
    const boxes = dbBoxes(
      map,
      w,
      h,
      { x: image.width / w, y: image.height / h, maxX: image.width, maxY: image.height },
      {
        thresh: params.thresh,
        boxThresh: params.box_thresh,
        unclipRatio: params.unclip_ratio,
        maxCandidates: params.max_candidates,
        minSize: 3,
      },
    );
    return {
      output: { width: image.width, height: image.height, boxes },
      usage: { pixels: image.width * image.height, model_pixels: w * h },
    };
  },

  warmupInput() {
    return { image: tinyPngBase64(64, 64) };
  },
};
