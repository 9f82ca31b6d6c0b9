/**
 * @module
 * The control-plane Worker's bindings (deploy/control/wrangler.toml) and the registry stores
 * built from them, shared by the Worker entry and the coordinator Durable Object.
 */
import type { RegistryReadDeps } from "../registry/app.ts";
import { R2BlobStore, R2NamedStore } from "../../adapters/workerd/r2-stores.ts";
import type { ControlCoordinatorDO } from "./coordinator-do.ts";

export interface ControlBindings {
  /** The registry: TUF metadata under `metadata/`, manifests and chunks under `blobs/sha256/`. */
  REGISTRY: R2Bucket;
  COORDINATOR: DurableObjectNamespace<ControlCoordinatorDO>;
  /** Secret: operators (rollouts, status) and everything an edge may do. */
  OPERATOR_TOKEN?: string;
  /** Secret: edges (feed, reports) only. */
  EDGE_TOKEN?: string;
  /** Health gate as JSON (`{"max_error_rate":0.05,…}`); read when the coordinator starts with no state. */
  GATE?: string;
  /** Key prefix inside the bucket (empty: the bucket root). */
  REGISTRY_PREFIX?: string;
}

export function registryStores(env: ControlBindings): RegistryReadDeps {
  const prefix = env.REGISTRY_PREFIX ?? "";
  return { metadata: new R2NamedStore(env.REGISTRY, prefix), blobs: new R2BlobStore(env.REGISTRY, prefix) };
}
