/**
 * @module
 * Finds the manifest a request names, or answers 404 for a model this node does not serve —
 * or one private to another tenant: the same 404, so a model's existence is not revealed. A
 * cache scorer rolled out through the catalog is installed, never served: also 404.
 */
import { ApiError } from "../shared/errors.ts";
import { type ModelManifest, servesRequests } from "../shared/manifest/model-manifest.ts";
import type { ModelCatalog } from "../shared/ports/model-catalog.ts";
import { mayUse, type Principal } from "./auth/principal.ts";

/** The manifest if this caller may use it; undefined for a missing model and for another tenant's private one. */
export async function visibleModel(
  catalog: ModelCatalog,
  id: string,
  principal: Principal,
): Promise<ModelManifest | undefined> {
  const manifest = await catalog.get(id);
  return manifest && servesRequests(manifest) && mayUse(principal, manifest) ? manifest : undefined;
}

export async function requireModel(catalog: ModelCatalog, id: string, principal: Principal): Promise<ModelManifest> {
  const manifest = await visibleModel(catalog, id, principal);
  if (!manifest) {
    throw new ApiError(404, "model_not_found", `The model '${id.slice(0, 200)}' does not exist on this node.`, {
      param: "model",
    });
  }
  return manifest;
}
