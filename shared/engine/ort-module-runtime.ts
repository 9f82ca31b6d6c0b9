/**
 * @module
 * An OrtRuntime from an onnxruntime module object (onnxruntime-node, or onnxruntime-web in a
 * browser). The module is passed in, so this file stays platform-neutral; workerd needs its
 * own adapter because of how it loads wasm.
 */
import type { InferenceSession, Tensor } from "onnxruntime-common";
import type { ExecutionProvider } from "../manifest/model-manifest.ts";
import { type OrtRuntime, toExtraOptions } from "./ort-runtime.ts";

/** The part of an onnxruntime module the engine uses. */
export interface OrtModule {
  Tensor: typeof Tensor;
  InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
}

export interface ModuleRuntimeOptions {
  name: string;
  /** Providers usable here, best first; called before each load (a GPU adapter can come and go). */
  providers: () => Promise<ExecutionProvider[]>;
  /** Extra session options (thread counts, optimisation level). */
  sessionOptions?: InferenceSession.SessionOptions;
}

export function runtimeFromOrtModule(ort: OrtModule, options: ModuleRuntimeOptions): OrtRuntime {
  return {
    name: options.name,
    Tensor: ort.Tensor,
    availableProviders: options.providers,
    createSession(model, provider, config) {
      return ort.InferenceSession.create(model, {
        graphOptimizationLevel: "all",
        ...options.sessionOptions,
        executionProviders: [provider],
        extra: toExtraOptions(config),
      });
    },
  };
}
