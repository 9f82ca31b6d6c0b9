/**
 * @module
 * onnxruntime-node as the engine's runtime: CPU everywhere, CUDA first when the host has it
 * and `EDGEFLEET_CUDA=1` says to use it (the CUDA provider needs the GPU build of the
 * binding, which this package installs only where CUDA libraries exist). The one Node runtime:
 * the origin, the Node PoP, the CLI's golden checks, the benches and the device client (which
 * imports it lazily, so `status` and `sync` never load the native binding) all use it.
 */
import * as ort from "onnxruntime-node";
import { runtimeFromOrtModule } from "../../shared/engine/ort-module-runtime.ts";
import type { OrtRuntime } from "../../shared/engine/ort-runtime.ts";
import type { ExecutionProvider } from "../../shared/manifest/model-manifest.ts";

export interface OrtNodeOptions {
  /** Intra-op threads per session; 1 gives the single-thread baseline the edge is compared with. */
  threads?: number;
  /** CUDA first (then CPU); default: `EDGEFLEET_CUDA=1` in the environment. */
  cuda?: boolean;
}

export function ortNodeRuntime(options: OrtNodeOptions = {}): OrtRuntime {
  const cuda = options.cuda ?? process.env.EDGEFLEET_CUDA === "1";
  const providers: ExecutionProvider[] = cuda ? ["cuda", "cpu"] : ["cpu"];
  return runtimeFromOrtModule(ort as unknown as Parameters<typeof runtimeFromOrtModule>[0], {
    name: "ort-node",
    providers: async () => providers,
    sessionOptions: options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 },
  });
}
