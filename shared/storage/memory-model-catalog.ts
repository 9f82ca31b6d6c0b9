/**
 * @module
 * A model catalog in memory, for self-hosted nodes that are told what to serve at start-up
 * (and by the admin API while they run), tests, and browsers.
 */
import type { ModelManifest } from "../manifest/model-manifest.ts";
import type { ModelCatalog, ServedExperiment } from "../ports/model-catalog.ts";

export class MemoryModelCatalog implements ModelCatalog {
  private readonly models = new Map<string, ModelManifest>();
  private readonly experiments = new Map<string, ServedExperiment>();

  constructor(initial: readonly ModelManifest[] = []) {
    for (const m of initial) {
      this.models.set(m.id, m);
    }
  }

  async list(): Promise<ModelManifest[]> {
    return [...this.models.values()].toSorted((a, b) => a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<ModelManifest | undefined> {
    return this.models.get(id);
  }

  async set(manifest: ModelManifest): Promise<void> {
    this.models.set(manifest.id, manifest);
  }

  async remove(id: string): Promise<boolean> {
    this.experiments.delete(id);
    return this.models.delete(id);
  }

  async experiment(id: string): Promise<ServedExperiment | undefined> {
    return this.experiments.get(id);
  }

  async setExperiment(id: string, served: ServedExperiment | undefined): Promise<void> {
    if (served) {
      this.experiments.set(id, served);
    } else {
      this.experiments.delete(id);
    }
  }
}
