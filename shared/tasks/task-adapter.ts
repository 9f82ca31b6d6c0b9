/**
 * @module
 * A task adapter turns a `/v1/predict` input into tensors and the model's tensors into a
 * useful answer. `prepare` checks the request completely before any inference runs, so bad
 * input costs no session time and always gets a 400.
 */
import type { Tensor } from "../engine/ort-runtime.ts";
import type { ModelManifest, Task } from "../manifest/model-manifest.ts";

/** What an adapter may use from the loaded model while it executes. */
export interface TaskContext {
  manifest: ModelManifest;
  Tensor: typeof Tensor;
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  /** An auxiliary file (dictionary, vocabulary) by role. */
  file(role: string): Uint8Array | undefined;
  memoize<T>(key: string, build: () => T): T;
}

export interface TaskResult {
  output: unknown;
  /** Units of work billed for this call (frames, pixels, tokens), for usage accounting. */
  usage: Record<string, number>;
}

export interface TaskAdapter<Prepared> {
  readonly task: Task;
  /** Validates input and parameters against the manifest; throws ApiError 400 on anything wrong. */
  prepare(input: unknown, parameters: unknown, manifest: ModelManifest): Prepared;
  execute(prepared: Prepared, ctx: TaskContext): Promise<TaskResult>;
  /** A small valid input, run a few times after loading so the first real request finds warm code. */
  warmupInput(manifest: ModelManifest): unknown;
}
