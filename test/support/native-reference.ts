/**
 * The same predictions computed by onnxruntime-node (one thread), the reference that the
 * edge's ort-web-in-workerd answers are compared with. Same engine and task code, other runtime.
 */
import { ModelEngine } from "../../shared/engine/model-engine.ts";
import { predict } from "../../shared/engine/predict.ts";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { PredictRequest } from "../../shared/protocol/predict.ts";
import { MemoryBlobStore } from "../../shared/storage/memory-blob-store.ts";
import { type BuiltModel, buildManifest } from "../../cli/models/build-manifest.ts";
import { defaultModelSources } from "../../cli/models/default-models.ts";
import { ortNodeRuntime } from "../../adapters/node/ort-node.ts";

let models: Promise<BuiltModel[]> | undefined;

/** The default models with their manifests and bytes, built once per process. */
export function defaultModels(): Promise<BuiltModel[]> {
  models ??= Promise.all(defaultModelSources().map((s) => buildManifest(s)));
  return models;
}

let engine: Promise<{ engine: ModelEngine; manifests: Map<string, ModelManifest> }> | undefined;

async function nativeEngine() {
  const built = await defaultModels();
  const blobs = new MemoryBlobStore();
  for (const m of built) {
    for (const [sha, bytes] of m.blobs) {
      await blobs.put(sha, bytes);
    }
  }
  return {
    engine: new ModelEngine({ runtime: ortNodeRuntime({ threads: 1 }), blobs, budgetBytes: 1024 * 2 ** 20 }),
    manifests: new Map(built.map((m) => [m.manifest.id, m.manifest])),
  };
}

export async function nativePredict(request: PredictRequest): Promise<{ output: unknown }> {
  engine ??= nativeEngine();
  const { engine: e, manifests } = await engine;
  const manifest = manifests.get(request.model);
  if (!manifest) {
    throw new Error(`no reference model ${request.model}`);
  }
  const result = await predict(e, manifest, request.input, request.parameters);
  return { output: result.output };
}
