/**
 * @module
 * The task adapters by task name.
 */
import { ApiError } from "../errors.ts";
import type { ModelManifest } from "../manifest/model-manifest.ts";
import { embeddingsAdapter } from "./embeddings.ts";
import { ocrDetectionAdapter } from "./ocr-detection.ts";
import { ocrRecognitionAdapter } from "./ocr-recognition.ts";
import { isRawInput, rawTensorsAdapter } from "./raw-tensors.ts";
import type { TaskAdapter } from "./task-adapter.ts";
import { vadAdapter } from "./vad.ts";

// Adapters are heterogeneous in what they prepare; the registry only pairs prepare with execute.
type AnyAdapter = TaskAdapter<unknown>;

const ADAPTERS: Partial<Record<ModelManifest["task"], AnyAdapter>> = {
  vad: vadAdapter as AnyAdapter,
  embeddings: embeddingsAdapter as AnyAdapter,
  "ocr-detection": ocrDetectionAdapter as AnyAdapter,
  "ocr-recognition": ocrRecognitionAdapter as AnyAdapter,
  raw: rawTensorsAdapter as AnyAdapter,
};

/** The adapter for a request: raw-tensor mode when the input carries `tensors`, else the model's task. */
export function adapterFor(manifest: ModelManifest, input: unknown): AnyAdapter {
  if (isRawInput(input)) {
    return rawTensorsAdapter as AnyAdapter;
  }
  const adapter = ADAPTERS[manifest.task];
  if (!adapter) {
    throw new ApiError(
      400,
      "unsupported_task",
      `Model ${manifest.id} (task ${manifest.task}) only answers raw tensors: send input.tensors`,
      {
        param: "input",
      },
    );
  }
  return adapter;
}

/** The adapter of the model's own task, for warm-up. */
export function taskAdapter(manifest: ModelManifest): AnyAdapter | undefined {
  return ADAPTERS[manifest.task];
}
