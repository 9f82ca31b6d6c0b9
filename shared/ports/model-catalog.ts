/**
 * @module
 * Which model versions a node serves. The edge reads it from its bucket today; the sync
 * service's desired state feeds the same port.
 */
import type { ModelManifest } from "../manifest/model-manifest.ts";
import type { Experiment } from "../monitoring/experiment.ts";

/** An A/B experiment served here: its control is the model's manifest (`get`), its candidate is this one. */
export interface ServedExperiment {
  experiment: Experiment;
  candidate: ModelManifest;
}

export interface ModelCatalog {
  /** Every model this node serves, one manifest per model id (the version it serves now). */
  list(): Promise<ModelManifest[]>;
  /** The manifest served for this id, or undefined for a model this node does not serve. */
  get(id: string): Promise<ModelManifest | undefined>;
  /** The A/B experiment running on this model here; a catalog without the method serves none. */
  experiment?(id: string): Promise<ServedExperiment | undefined>;
}
