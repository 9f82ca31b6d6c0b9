/**
 * Registries with versions of the tiny test model (test/support/tiny-model.ts), served on
 * loopback, for the device client's tests.
 */
import { type PublishFile, publishTo } from "./registry-fixture.ts";

export const TINY_INPUT = { tensors: { x: { dtype: "float32", dims: [1], data: [0] } } };

export const publishTiny: PublishFile = (registry, keys, id, version, bytes) =>
  publishTo(registry, keys, {
    id,
    version,
    task: "raw",
    files: [{ name: "model.onnx", role: "model", bytes }],
    io: {
      inputs: [{ name: "x", dtype: "float32", shape: [1] }],
      outputs: [{ name: "y", dtype: "float32", shape: [1] }],
    },
    runtime: { execution_providers: ["cpu"], max_input_elements: 16 },
    settings: {},
    metrics: {},
  });

/** The `y` a raw-tensor answer carries. */
export function answerOf(output: unknown): number {
  const y = (output as { tensors?: { y?: { data?: unknown } } }).tensors?.y?.data;
  if (!Array.isArray(y) || typeof y[0] !== "number") {
    throw new Error(`no y in ${JSON.stringify(output)}`);
  }
  return y[0];
}
