/**
 * @module
 * The port between the engine and one onnxruntime build. onnxruntime-web (workerd, browsers)
 * and onnxruntime-node share the `onnxruntime-common` API, so the engine is written once
 * against these types and each runtime supplies a small adapter.
 */
import type { InferenceSession, Tensor } from "onnxruntime-common";
import type { ExecutionProvider } from "../manifest/model-manifest.ts";

export type { InferenceSession, Tensor };

/** onnxruntime session config entries, keyed as ORT names them (`session.disable_quant_qdq`). */
export type SessionConfig = Readonly<Record<string, string>>;

/** ORT's JS API takes config entries as a nested `extra` object: `{session: {disable_quant_qdq: "1"}}`. */
export function toExtraOptions(config: SessionConfig = {}): Record<string, Record<string, string>> {
  const extra: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(config)) {
    const dot = key.indexOf(".");
    const group = key.slice(0, dot);
    extra[group] = { ...extra[group], [key.slice(dot + 1)]: value };
  }
  return extra;
}

/** What a runtime adapter provides to the engine. */
export interface OrtRuntime {
  /** `ort-web` or `ort-node`: shown in `/v1/models` and logs. */
  readonly name: string;
  /** The Tensor constructor of this runtime (tensors must come from the same build as the session). */
  readonly Tensor: typeof Tensor;
  /** Providers usable here right now, best first (e.g. `["webgpu", "wasm"]` in a browser with a GPU adapter). */
  availableProviders(): Promise<ExecutionProvider[]>;
  /** Creates a session on exactly one provider; rejects if that provider cannot run the model. */
  createSession(model: Uint8Array, provider: ExecutionProvider, config?: SessionConfig): Promise<InferenceSession>;
  /** Bytes of the runtime's WebAssembly heap, where it has one (it only grows): the number that meets an isolate's memory limit. */
  heapBytes?(): number | undefined;
}
