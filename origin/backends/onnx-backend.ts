/**
 * @module
 * Models run in-process with onnxruntime-node through the shared engine (verified loads,
 * memory budget), with the session runs of concurrent requests batched per model.
 * Task adapters are the shared ones, so an origin answers exactly what an edge would.
 */
import type { LoadedModel } from "../../shared/engine/loaded-model.ts";
import type { ModelEngine } from "../../shared/engine/model-engine.ts";
import { warm } from "../../shared/engine/predict.ts";
import type { Tensor } from "../../shared/engine/ort-runtime.ts";
import { ApiError } from "../../shared/errors.ts";
import type { ModelCatalog } from "../../shared/ports/model-catalog.ts";
import type { PredictRequest } from "../../shared/protocol/predict.ts";
import { adapterFor } from "../../shared/tasks/registry.ts";
import type { TaskContext } from "../../shared/tasks/task-adapter.ts";
import { type BatchPolicy, BatchRunner } from "../batching/batch-runner.ts";
import { modelBatches } from "../batching/tensor-batch.ts";
import type { LoadTracker } from "../load/load-tracker.ts";
import type { Backend, CallContext, ModelEntry, PredictResult } from "./backend.ts";

export interface OnnxBackendOptions {
  catalog: ModelCatalog;
  engine: ModelEngine;
  batching: BatchPolicy;
  load: LoadTracker;
  onBatch?(model: string, requests: number): void;
}

export class OnnxBackend implements Backend {
  readonly name = "onnx";
  private readonly o: OnnxBackendOptions;
  private readonly runners = new WeakMap<LoadedModel, BatchRunner>();
  private readonly live = new Set<BatchRunner>();
  private warmed = false;

  constructor(options: OnnxBackendOptions) {
    this.o = options;
    options.load.addQueue(() => [...this.live].reduce((n, r) => n + r.queued, 0));
  }

  async models(): Promise<ModelEntry[]> {
    return (await this.o.catalog.list()).map((m) => ({
      id: m.id,
      version: m.version,
      task: m.task,
      backend: this.name,
      ...(m.private_to ? { private_to: m.private_to } : {}),
    }));
  }

  async prepare(): Promise<void> {
    for (const manifest of await this.o.catalog.list()) {
      await warm(this.o.engine, manifest);
    }
    this.warmed = true;
  }

  ready(): boolean {
    return this.warmed;
  }

  async predict(request: PredictRequest, ctx: CallContext): Promise<PredictResult> {
    const manifest = await this.o.catalog.get(request.model);
    if (!manifest) {
      throw new ApiError(
        404,
        "model_not_found",
        `The model '${request.model.slice(0, 200)}' does not exist on this origin.`,
        {
          param: "model",
        },
      );
    }
    const started = performance.now();
    const adapter = adapterFor(manifest, request.input);
    const prepared = adapter.prepare(request.input, request.parameters, manifest);
    const loaded = await this.o.engine.acquire(manifest);
    const runner = this.runnerFor(loaded);
    const context: TaskContext = {
      manifest,
      Tensor: this.o.engine.runtime.Tensor,
      run: (feeds: Record<string, Tensor>) => {
        // A run not yet started when the deadline passes is not worth starting.
        ctx.signal.throwIfAborted();
        return runner.run(feeds);
      },
      file: (role) => loaded.file(role),
      memoize: (key, build) => loaded.memoize(key, build),
    };
    const result = await adapter.execute(prepared, context);
    return {
      body: {
        model: manifest.id,
        version: manifest.version,
        output: result.output,
        usage: result.usage,
        provider: loaded.provider,
      },
      inferMs: performance.now() - started,
    };
  }

  private runnerFor(loaded: LoadedModel): BatchRunner {
    let runner = this.runners.get(loaded);
    if (!runner) {
      runner = new BatchRunner({
        policy: this.o.batching,
        batchable: modelBatches(loaded.manifest),
        Tensor: this.o.engine.runtime.Tensor,
        run: (feeds) => loaded.run(feeds),
        onBatch: (n) => this.o.onBatch?.(loaded.manifest.id, n),
      });
      this.runners.set(loaded, runner);
      this.live.add(runner);
    }
    return runner;
  }
}
