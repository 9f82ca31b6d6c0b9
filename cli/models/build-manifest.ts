/**
 * @module
 * Builds a model version's manifest from files on disk: hashes and sizes every file and
 * reads the graph's tensors, then validates the result with the manifest schema.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import {
  type ModelFile,
  type ModelManifest,
  ModelManifestSchema,
  type RuntimeNeeds,
  type Task,
} from "../../shared/manifest/model-manifest.ts";
import { describeOnnx } from "./describe-onnx.ts";

export interface ModelSource {
  id: string;
  version: string;
  task: Task;
  description?: string;
  license?: string;
  /** The ONNX graph. */
  model: string;
  /** Auxiliary files by role (e.g. `{dictionary: "…/keys.txt"}`). */
  extras?: Partial<Record<Exclude<ModelFile["role"], "model">, string>>;
  settings?: Record<string, unknown>;
  runtime?: Partial<RuntimeNeeds>;
}

export interface BuiltModel {
  manifest: ModelManifest;
  /** File bytes by sha256, ready to upload to a blob store. */
  blobs: Map<string, Uint8Array>;
}

export async function buildManifest(source: ModelSource): Promise<BuiltModel> {
  const blobs = new Map<string, Uint8Array>();
  const files: ModelFile[] = [];
  const add = async (path: string, role: ModelFile["role"]) => {
    const bytes = new Uint8Array(await readFile(path));
    const sha256 = await sha256Hex(bytes);
    blobs.set(sha256, bytes);
    files.push({ name: basename(path), role, sha256, size: bytes.byteLength });
    return bytes;
  };
  const graph = await add(source.model, "model");
  for (const [role, path] of Object.entries(source.extras ?? {})) {
    await add(path, role as ModelFile["role"]);
  }
  const manifest = ModelManifestSchema.parse({
    schema: "edgefleet.model/v1",
    id: source.id,
    version: source.version,
    task: source.task,
    description: source.description,
    license: source.license,
    files,
    io: await describeOnnx(graph),
    runtime: { execution_providers: ["webgpu", "wasm", "cpu", "cuda"], ...source.runtime },
    settings: source.settings ?? {},
  });
  return { manifest, blobs };
}
