// A manifest names a task the engine has an adapter for. `text-classification` has none (no
// classification model ships with the engine): a manifest naming it is refused where any
// manifest is read (publish, the registry, the edge, devices), with an error that says why.
import { describe, expect, it } from "vitest";
import { ModelManifestSchema, TaskSchema } from "../../../shared/manifest/model-manifest.ts";

const manifest = {
  schema: "edgefleet.model/v1",
  id: "clf",
  version: "1.0.0",
  files: [{ name: "clf.onnx", role: "model", sha256: "0".repeat(64), size: 1 }],
  io: {
    inputs: [{ name: "input_ids", dtype: "int64", shape: ["batch", "seq"] }],
    outputs: [{ name: "logits", dtype: "float32", shape: ["batch", 2] }],
  },
};

describe("manifest tasks", () => {
  it("refuses text-classification with a clear validation error", () => {
    const parsed = ModelManifestSchema.safeParse({ ...manifest, task: "text-classification" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toHaveLength(1);
    expect(parsed.error?.issues[0]?.path).toEqual(["task"]);
    expect(parsed.error?.issues[0]?.message).toMatch(/^text-classification has no task adapter/);
    expect(TaskSchema.options).not.toContain("text-classification");
  });

  it("names the tasks it accepts when the task is unknown, and accepts the same model as raw", () => {
    const unknown = ModelManifestSchema.safeParse({ ...manifest, task: "translation" });
    expect(unknown.error?.issues[0]?.message).toBe(
      "the task must be one of vad, ocr-detection, ocr-recognition, embeddings, raw, cache-scorer",
    );
    expect(ModelManifestSchema.parse({ ...manifest, task: "raw" }).task).toBe("raw");
  });
});
