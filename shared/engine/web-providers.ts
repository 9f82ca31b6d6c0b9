/**
 * @module
 * Which onnxruntime-web providers a JavaScript runtime offers: `webgpu` when
 * `navigator.gpu` yields an adapter (browsers, Deno, Node with a WebGPU binding), then `wasm`
 * everywhere. workerd has no `navigator.gpu`, so it gets `wasm`.
 */
import type { ExecutionProvider } from "../manifest/model-manifest.ts";

/** The slice of the WebGPU API this needs (TypeScript's web libs do not all declare it). */
interface GpuNavigator {
  gpu?: {
    requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
  };
}

export interface WebProviders {
  providers: ExecutionProvider[];
  /** The adapter that will run WebGPU sessions, for `/v1/models`, logs and metrics. */
  adapter?: string;
  /** Why WebGPU is not offered, when it is not. */
  reason?: string;
}

export async function detectWebProviders(nav: GpuNavigator | undefined = globalNavigator()): Promise<WebProviders> {
  if (!nav?.gpu) {
    return { providers: ["wasm"], reason: "navigator.gpu is not available in this runtime" };
  }
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) {
      return { providers: ["wasm"], reason: "navigator.gpu offered no adapter" };
    }
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") || "unknown adapter";
    return { providers: ["webgpu", "wasm"], adapter: name };
  } catch (error) {
    return {
      providers: ["wasm"],
      reason: `requestAdapter failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function globalNavigator(): GpuNavigator | undefined {
  return (globalThis as { navigator?: GpuNavigator }).navigator;
}
