/**
 * @module
 * onnxruntime-node as the device's runtime, through the shared engine (the same adapter the
 * origin has; device/ may import only shared/, so it keeps its own few lines). CPU, with the
 * CUDA provider first when `EDGEFLEET_CUDA=1` and the GPU build of the binding is present.
 */
import * as ort from "onnxruntime-node";
import { runtimeFromOrtModule } from "../../shared/engine/ort-module-runtime.ts";
import type { OrtRuntime } from "../../shared/engine/ort-runtime.ts";
import type { ExecutionProvider } from "../../shared/manifest/model-manifest.ts";

export function deviceRuntime(options: { threads?: number } = {}): OrtRuntime {
  const providers: ExecutionProvider[] = process.env.EDGEFLEET_CUDA === "1" ? ["cuda", "cpu"] : ["cpu"];
  return runtimeFromOrtModule(ort as unknown as Parameters<typeof runtimeFromOrtModule>[0], {
    name: "ort-node",
    providers: async () => providers,
    sessionOptions: options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 },
  });
}
