/**
 * @module
 * Which model versions a node serves. The edge reads it from its bucket today; the sync
 * service's desired state feeds the same port.
 */
import type { ModelManifest } from "../manifest/model-manifest.ts";

export interface ModelCatalog {
  /** Every model this node serves, one manifest per model id (the version it serves now). */
  list(): Promise<ModelManifest[]>;
  /** The manifest served for this id, or undefined for a model this node does not serve. */
  get(id: string): Promise<ModelManifest | undefined>;
}
