/**
 * @module
 * A developer's check of one synced model's graph on one execution provider with raw input
 * tensors: the parity test and the bench compare WebGPU, WASM and onnxruntime-node on the
 * very same feeds and read back the raw outputs (before any task post-processing). The bytes
 * come from the device's verified installed version, never from the network.
 */
import { readPointer } from "../../shared/device-update/device-state.ts";
import { modelFile, type ExecutionProvider } from "../../shared/manifest/model-manifest.ts";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import type { BrowserDevice } from "./browser-device.ts";
import { browserRuntime } from "../../adapters/browser/ort-browser.ts";

export interface RawTensor {
  type: "float32" | "int64" | "int32";
  dims: number[];
  data: number[];
}

export interface RawRun {
  provider: ExecutionProvider;
  /** Session creation, the first run (shader compilation on WebGPU), and the median of the later runs. */
  createMs: number;
  firstMs: number;
  medianMs: number | null;
  outputs: Record<string, { dims: number[]; data: number[] }>;
}

function toTypedArray(t: RawTensor): Float32Array | BigInt64Array | Int32Array {
  if (t.type === "int64") {
    return BigInt64Array.from(t.data.map((v) => BigInt(v)));
  }
  return t.type === "int32" ? Int32Array.from(t.data) : Float32Array.from(t.data);
}

/** Runs the current version of `model` on exactly `provider`, `runs` times; outputs of the last run. */
export async function rawRun(
  device: BrowserDevice,
  wasmBase: string,
  model: string,
  provider: ExecutionProvider,
  feeds: Record<string, RawTensor>,
  runs = 1,
): Promise<RawRun> {
  const pointer = await readPointer(device.store.state, model);
  if (!pointer) {
    throw new Error(`${model} is not synced on this device`);
  }
  const manifest = await device.store.manifest(pointer.current.manifest_sha256);
  const entry = modelFile(manifest);
  const bytes = await device.store.file(pointer.current.manifest_sha256, entry.name);
  if (!bytes || (await sha256Hex(bytes)) !== entry.sha256) {
    throw new Error(`${model}: the installed model file does not verify`);
  }
  const runtime = browserRuntime({ wasmBase, only: [provider] });
  if (!(await runtime.availableProviders()).includes(provider)) {
    throw new Error(`${provider} is not available here: ${(await runtime.detected()).reason ?? "unknown reason"}`);
  }
  let at = performance.now();
  const session = await runtime.createSession(bytes, provider, manifest.runtime.session_config?.[provider]);
  const createMs = performance.now() - at;
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => [name, new runtime.Tensor(t.type, toTypedArray(t), t.dims)]),
  );
  const times: number[] = [];
  let out: Awaited<ReturnType<typeof session.run>> = {};
  try {
    for (let i = 0; i < Math.max(1, runs); i++) {
      at = performance.now();
      out = await session.run(inputs);
      times.push(performance.now() - at);
    }
  } finally {
    await session.release();
  }
  const later = times.slice(1).toSorted((a, b) => a - b);
  return {
    provider,
    createMs,
    firstMs: times[0] ?? 0,
    medianMs: later.length > 0 ? (later[Math.floor(later.length / 2)] ?? null) : null,
    outputs: Object.fromEntries(
      Object.entries(out).map(([name, t]) => [name, { dims: [...t.dims], data: Array.from(t.data as Float32Array) }]),
    ),
  };
}
