/**
 * @module
 * onnxruntime-web in a browser as the engine's runtime: the `webgpu` build (WebGPU and WASM
 * execution providers in one bundle). `webgpu` is offered when `navigator.gpu` yields an
 * adapter (`shared/engine/web-providers.ts`), then `wasm`; the engine takes the first one the
 * model's manifest allows and falls back to `wasm`, saying why, if the WebGPU session fails.
 * The runtime's wasm files are fetched from `wasmBase` (same origin, cached by the service
 * worker for offline use), never from a CDN.
 */
import * as ort from "onnxruntime-web/webgpu";
import { runtimeFromOrtModule } from "../../shared/engine/ort-module-runtime.ts";
import type { OrtRuntime } from "../../shared/engine/ort-runtime.ts";
import { detectWebProviders, type WebProviders } from "../../shared/engine/web-providers.ts";
import type { ExecutionProvider } from "../../shared/manifest/model-manifest.ts";

export interface BrowserRuntimeOptions {
  /** URL of the folder holding `ort-wasm-simd-threaded.asyncify.{mjs,wasm}` (ends with `/`). */
  wasmBase: string;
  /** Restrict the providers (e.g. `["wasm"]` to compare with WebGPU); default: what the browser offers. */
  only?: readonly ExecutionProvider[];
}

export interface BrowserRuntime extends OrtRuntime {
  /** What the last detection found: the providers offered, the adapter's name or why there is none. */
  detected(): Promise<WebProviders>;
}

export function browserRuntime(options: BrowserRuntimeOptions): BrowserRuntime {
  // One thread: threads need cross-origin isolation (COOP/COEP), which a page embedding
  // third-party content may not have; and it keeps WASM timings comparable to one native thread.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = options.wasmBase;
  let last: Promise<WebProviders> = detectWebProviders();
  const detect = async (): Promise<ExecutionProvider[]> => {
    // Detected again before each load: an adapter can be lost (driver reset, tab in background).
    last = detectWebProviders();
    const found = (await last).providers;
    return options.only ? found.filter((p) => options.only?.includes(p)) : found;
  };
  const runtime = runtimeFromOrtModule(ort as unknown as Parameters<typeof runtimeFromOrtModule>[0], {
    name: "ort-web",
    providers: detect,
  });
  return { ...runtime, detected: () => last };
}
