import * as ortWeb from "onnxruntime-web";
import { runtimeFromOrtModule } from "../../shared/engine/ort-module-runtime.ts";
import type { OrtRuntime } from "../../shared/engine/ort-runtime.ts";

/** onnxruntime-web (WASM, one thread) under Node: the same build the edge runs, without workerd. */
export function ortWebNodeRuntime(): OrtRuntime {
  ortWeb.env.wasm.numThreads = 1;
  return runtimeFromOrtModule(ortWeb as unknown as Parameters<typeof runtimeFromOrtModule>[0], {
    name: "ort-web-node",
    providers: async () => ["wasm"],
  });
}
