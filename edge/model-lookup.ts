/**
 * @module
 * Finds the manifest a request names, or answers 404 for a model this node does not serve.
 */
import { ApiError } from "../shared/errors.ts";
import type { ModelManifest } from "../shared/manifest/model-manifest.ts";
import type { ModelCatalog } from "../shared/ports/model-catalog.ts";

export async function requireModel(catalog: ModelCatalog, id: string): Promise<ModelManifest> {
  const manifest = await catalog.get(id);
  if (!manifest) {
    throw new ApiError(404, "model_not_found", `The model '${id.slice(0, 200)}' does not exist on this node.`, {
      param: "model",
    });
  }
  return manifest;
}
