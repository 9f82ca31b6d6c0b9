/**
 * @module
 * Finds the model a request names, or answers 404 for a model this network does not serve —
 * or one private to another tenant: the same 404, so a model's existence is not revealed. That
 * holds on every path: a model in the edge's catalog (its manifest's `private_to`) and a model
 * only origins serve (the origin table's `private_to`, and the origin's own check behind it).
 * A cache scorer rolled out through the catalog is installed, never served: also 404.
 */
import { ApiError } from "../shared/errors.ts";
import { type ModelManifest, servesRequests } from "../shared/manifest/model-manifest.ts";
import type { ModelCatalog } from "../shared/ports/model-catalog.ts";
import { mayUse, type Principal } from "./auth/principal.ts";
import type { OriginRouter } from "./router/router.ts";

/** One error for a missing model and a hidden one, on every route: same status, code and message shape. */
export function modelNotFound(id: string): ApiError {
  return new ApiError(404, "model_not_found", `The model '${id.slice(0, 200)}' does not exist on this node.`, {
    param: "model",
  });
}

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
    throw modelNotFound(id);
  }
  return manifest;
}

/**
 * True when this caller may reach the model through origins: some origin serves it, the origin
 * table does not make it private to other tenants, and the edge's own catalog does not either
 * (a model both the edge and origins hold is private wherever it is answered).
 */
export async function mayRouteToOrigins(
  router: OriginRouter | undefined,
  catalog: ModelCatalog,
  id: string,
  principal: Principal,
): Promise<boolean> {
  if (!router?.serves(id)) {
    return false;
  }
  const owners = router.privateTo(id);
  if (owners !== undefined && !principal.seesAllModels && !owners.includes(principal.tenant)) {
    return false;
  }
  const local = await catalog.get(id);
  return local === undefined || mayUse(principal, local);
}
