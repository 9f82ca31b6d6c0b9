/**
 * @module
 * One prediction: pick the task adapter, check the input completely, then load (or reuse)
 * the session and run. Checking first means bad input never costs a model load.
 */
import type { ModelManifest } from "../manifest/model-manifest.ts";
import type { LoadedModel } from "./loaded-model.ts";
import type { ModelEngine } from "./model-engine.ts";
import { adapterFor, taskAdapter } from "../tasks/registry.ts";
import type { TaskContext, TaskResult } from "../tasks/task-adapter.ts";

export interface Prediction extends TaskResult {
  loaded: LoadedModel;
}

export async function predict(
  engine: ModelEngine,
  manifest: ModelManifest,
  input: unknown,
  parameters: unknown,
): Promise<Prediction> {
  const adapter = adapterFor(manifest, input);
  const prepared = adapter.prepare(input, parameters, manifest);
  const loaded = await engine.acquire(manifest);
  const result = await adapter.execute(prepared, contextOf(loaded, engine));
  return { ...result, loaded };
}

/** Loads the model and runs its warm-up input a few times, so V8 tiers the wasm up before real traffic. */
export async function warm(engine: ModelEngine, manifest: ModelManifest, runs = 3): Promise<LoadedModel> {
  const loaded = await engine.acquire(manifest);
  const adapter = taskAdapter(manifest);
  const input = adapter?.warmupInput(manifest);
  if (adapter && input !== undefined) {
    const prepared = adapter.prepare(input, {}, manifest);
    for (let i = 0; i < runs; i++) {
      await adapter.execute(prepared, contextOf(loaded, engine));
    }
  }
  return loaded;
}

/** Runs `work` with the model's task context (loading the model if needed): for routes that call a task directly. */
export async function withModel<T>(
  engine: ModelEngine,
  manifest: ModelManifest,
  work: (ctx: TaskContext) => Promise<T>,
): Promise<{ result: T; loaded: LoadedModel }> {
  const loaded = await engine.acquire(manifest);
  return { result: await work(contextOf(loaded, engine)), loaded };
}

function contextOf(loaded: LoadedModel, engine: ModelEngine): TaskContext {
  return {
    manifest: loaded.manifest,
    Tensor: engine.runtime.Tensor,
    run: (feeds) => loaded.run(feeds),
    file: (role) => loaded.file(role),
    memoize: (key, build) => loaded.memoize(key, build),
  };
}
