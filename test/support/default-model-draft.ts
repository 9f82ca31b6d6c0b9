/**
 * A publishable draft of one of the default models (real ONNX files from npm packages), with
 * an optional edit of the graph's bytes — how the device bench and tests make "v2 differs from
 * v1 in one tensor" out of PP-OCRv4 recognition.
 */
import { buildManifest } from "../../cli/models/build-manifest.ts";
import { defaultModelSources } from "../../cli/models/default-models.ts";
import type { ModelDraft } from "../../shared/registry/publish.ts";

export async function defaultModelDraft(
  id: string,
  version: string,
  edit: (model: Uint8Array) => Uint8Array = (m) => m,
): Promise<ModelDraft> {
  const source = defaultModelSources().find((s) => s.id === id);
  if (!source) {
    throw new Error(`${id} is not a default model`);
  }
  const { manifest, blobs } = await buildManifest({ ...source, version });
  return {
    id,
    version,
    task: manifest.task,
    description: manifest.description,
    license: manifest.license,
    files: manifest.files.map((f) => {
      const bytes = blobs.get(f.sha256);
      if (!bytes) {
        throw new Error(`no bytes for ${f.name}`);
      }
      return { name: f.name, role: f.role, bytes: f.role === "model" ? edit(bytes) : bytes };
    }),
    io: manifest.io,
    runtime: manifest.runtime,
    settings: manifest.settings,
    metrics: {},
  };
}
