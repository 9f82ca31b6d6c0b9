/**
 * @module
 * How much memory a loaded session costs, for the per-isolate budget (Workers give an
 * isolate 128 MB). Measured in workerd with ort-web 1.30 (shared notes, "Memory"):
 * wasm heap after session creation was 19 MB for a 1.8 MB model, 40 MB for 4.7 MB,
 * 48 MB for 10.8 MB and 76 MB for 22 MB. About 3x the file plus a fixed part covers
 * the per-session share; the runtime's own base heap is paid once per isolate.
 */
import type { ModelManifest } from "../manifest/model-manifest.ts";

const MB = 2 ** 20;

export function estimateSessionBytes(manifest: ModelManifest): number {
  if (manifest.runtime.memory_mb !== undefined) {
    return manifest.runtime.memory_mb * MB;
  }
  const modelBytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
  return 3 * modelBytes + 6 * MB;
}
