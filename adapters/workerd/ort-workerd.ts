/**
 * @module
 * onnxruntime-web inside workerd. Workers refuse to compile WebAssembly from bytes at run
 * time ("Wasm code generation disallowed by embedder"), and ort-web offers no option to
 * hand it a precompiled module. So:
 * - import the bundle with the Emscripten glue embedded (`onnxruntime-web/wasm`), and the
 *   wasm file itself, which wrangler compiles at deploy time (CompiledWasm rule);
 * - one thread, no proxy worker (workerd has neither), and a non-empty dummy `wasmBinary`
 *   so ort takes the embedded glue instead of fetching a URL;
 * - while the first session initialises the backend, answer the glue's
 *   `WebAssembly.instantiate(bytes)` with the precompiled module, then restore it.
 * Recipe and measurements: the shared notes, "onnxruntime-web inside workerd".
 */
import * as ort from "onnxruntime-web/wasm";
import ortWasmModule from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import type { InferenceSession } from "onnxruntime-common";
import { type OrtRuntime, type SessionConfig, toExtraOptions } from "../../shared/engine/ort-runtime.ts";
import type { ExecutionProvider } from "../../shared/manifest/model-manifest.ts";

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.wasmBinary = new Uint8Array([0, 0x61, 0x73, 0x6d]);

let backendReady: Promise<unknown> | undefined;
let heap: WebAssembly.Memory | undefined;

/** The ORT heap: with the threaded build Emscripten imports its memory; otherwise it is exported. */
function findMemory(...namespaces: Array<object | undefined>): WebAssembly.Memory | undefined {
  for (const ns of namespaces) {
    for (const value of Object.values(ns ?? {})) {
      if (value instanceof WebAssembly.Memory) {
        return value;
      }
      if (typeof value === "object" && value !== null && !(value instanceof WebAssembly.Memory)) {
        const inner = Object.values(value).find((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory);
        if (inner) {
          return inner;
        }
      }
    }
  }
  return undefined;
}

type Instantiate = typeof WebAssembly.instantiate;

async function create(model: Uint8Array, config?: SessionConfig): Promise<InferenceSession> {
  const options = {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all" as const,
    extra: toExtraOptions(config),
  };
  if (!backendReady) {
    const original: Instantiate = WebAssembly.instantiate;
    const patched = (source: unknown, imports?: WebAssembly.Imports) =>
      source instanceof WebAssembly.Module
        ? original(source, imports)
        : original(ortWasmModule, imports).then((instance) => {
            heap = findMemory(imports, instance.exports);
            return { instance, module: ortWasmModule };
          });
    Object.defineProperty(WebAssembly, "instantiate", { value: patched, configurable: true, writable: true });
    const first = ort.InferenceSession.create(model, options).finally(() => {
      Object.defineProperty(WebAssembly, "instantiate", { value: original, configurable: true, writable: true });
    });
    backendReady = first;
    return first as Promise<InferenceSession>;
  }
  // Later sessions wait for the backend; if the first load failed because of its model, ort's backend may still be fine.
  await backendReady.catch(() => undefined);
  return ort.InferenceSession.create(model, options) as Promise<InferenceSession>;
}

export const ortWorkerdRuntime: OrtRuntime = {
  name: "ort-web",
  Tensor: ort.Tensor as unknown as OrtRuntime["Tensor"],
  async availableProviders(): Promise<ExecutionProvider[]> {
    // The released workerd has no WebGPU (measured, also with the `webgpu` compatibility flag).
    return ["wasm"];
  },
  async createSession(model, provider, config) {
    if (provider !== "wasm") {
      throw new Error(`provider ${provider} is not available in workerd`);
    }
    return create(model, config);
  },
  heapBytes() {
    return heap?.buffer.byteLength;
  },
};
