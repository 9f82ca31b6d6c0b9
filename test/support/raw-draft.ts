/**
 * A model draft for registry tests: one raw-tensor "model" file of arbitrary bytes (publishing
 * chunks and signs bytes; it never runs them). Platform-neutral, so workerd tests use it too.
 */
import type { ModelDraft } from "../../shared/registry/publish.ts";

export function rawDraft(id: string, version: string, fileName: string, bytes: Uint8Array): ModelDraft {
  return {
    id,
    version,
    task: "raw",
    files: [{ name: fileName, role: "model", bytes }],
    io: {
      inputs: [{ name: "x", dtype: "float32", shape: [1] }],
      outputs: [{ name: "y", dtype: "float32", shape: [1] }],
    },
    runtime: { execution_providers: ["wasm"], max_input_elements: 10 },
    settings: {},
    metrics: {},
  };
}
