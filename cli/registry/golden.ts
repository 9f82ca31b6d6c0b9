/**
 * @module
 * Records a version's golden pair at publish: runs the golden input through the model on
 * onnxruntime-node (the engine verifies the bytes first) and keeps the output, so every
 * edge can check that the session it built answers the same before it takes traffic.
 */
import { ModelEngine } from "../../shared/engine/model-engine.ts";
import { predict } from "../../shared/engine/predict.ts";
import { type ModelManifest, ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import type { ModelDraft } from "../../shared/registry/publish.ts";
import { MemoryBlobStore } from "../../shared/storage/memory-blob-store.ts";
import { ortNodeRuntime } from "../../adapters/node/ort-node.ts";

export interface Golden {
  input: unknown;
  output: unknown;
  tolerance: number;
}

/** The draft as a manifest with its files in memory, and an onnxruntime-node engine to run it. */
export async function draftEngine(draft: ModelDraft): Promise<{ engine: ModelEngine; manifest: ModelManifest }> {
  const blobs = new MemoryBlobStore();
  const files = await Promise.all(
    draft.files.map(async (f) => {
      const sha256 = await sha256Hex(f.bytes);
      await blobs.put(sha256, f.bytes);
      return { name: f.name, role: f.role, sha256, size: f.bytes.byteLength };
    }),
  );
  const manifest = ModelManifestSchema.parse({ ...draft, schema: "edgefleet.model/v1", files });
  const engine = new ModelEngine({ runtime: ortNodeRuntime({ threads: 1 }), blobs, budgetBytes: 2 ** 31 });
  return { engine, manifest };
}

export async function recordGolden(draft: ModelDraft, input: unknown, tolerance = 1e-3): Promise<Golden> {
  const { engine, manifest } = await draftEngine(draft);
  const result = await predict(engine, manifest, input, {});
  return { input, output: result.output, tolerance };
}
