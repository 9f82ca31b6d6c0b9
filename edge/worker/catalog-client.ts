/**
 * @module
 * The edge's view of its catalog Durable Object. Reads are cached in the isolate for a short
 * TTL, so the hot path does not pay a Durable Object round trip per request; a write through
 * this isolate refreshes its cache at once, other isolates see it within the TTL.
 * The stub is made per call: a stub is an I/O object of the request that created it, and
 * workerd refuses its use from another request.
 */
import { z } from "zod";
import type { WritableModelCatalog } from "../deps.ts";
import { type ModelManifest, ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import { ExperimentSchema } from "../../shared/monitoring/experiment.ts";
import type { ServedExperiment } from "../../shared/ports/model-catalog.ts";
import type { Logger } from "../../shared/log.ts";
import type { ModelCatalogDO } from "./objects/catalog-object.ts";

const ServedExperimentSchema = z.object({ experiment: ExperimentSchema, candidate: ModelManifestSchema });

export class DoModelCatalog implements WritableModelCatalog {
  private cached:
    | { at: number; models: Map<string, ModelManifest>; experiments: Map<string, ServedExperiment> }
    | undefined;
  private readonly stub: () => DurableObjectStub<ModelCatalogDO>;
  private readonly ttlMs: number;
  private readonly log: Logger;

  constructor(stub: () => DurableObjectStub<ModelCatalogDO>, ttlMs: number, log: Logger) {
    this.stub = stub;
    this.ttlMs = ttlMs;
    this.log = log;
  }

  async list(): Promise<ModelManifest[]> {
    return [...(await this.load()).models.values()];
  }

  async get(id: string): Promise<ModelManifest | undefined> {
    return (await this.load()).models.get(id);
  }

  async experiment(id: string): Promise<ServedExperiment | undefined> {
    return (await this.load()).experiments.get(id);
  }

  async setExperiment(id: string, served: ServedExperiment | undefined): Promise<void> {
    await this.stub().setExperiment(id, served ? JSON.stringify(served) : null);
    this.cached = undefined;
  }

  async set(manifest: ModelManifest): Promise<void> {
    await this.stub().set(manifest.id, JSON.stringify(manifest));
    this.cached = undefined;
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.stub().remove(id);
    this.cached = undefined;
    return removed;
  }

  private async load(): Promise<NonNullable<DoModelCatalog["cached"]>> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) {
      return this.cached;
    }
    const { manifests, experiments: running } = await this.stub().snapshot();
    const models = new Map<string, ModelManifest>();
    for (const text of manifests) {
      const parsed = ModelManifestSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        models.set(parsed.data.id, parsed.data);
      } else {
        // A manifest stored by an older schema is skipped, not served half-understood.
        this.log.log("error", "catalog.invalid_manifest", { error: parsed.error.issues[0]?.message });
      }
    }
    const experiments = new Map<string, ServedExperiment>();
    for (const text of running) {
      const parsed = ServedExperimentSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        experiments.set(parsed.data.experiment.model, parsed.data);
      } else {
        this.log.log("error", "catalog.invalid_experiment", { error: parsed.error.issues[0]?.message });
      }
    }
    this.cached = { at: Date.now(), models, experiments };
    return this.cached;
  }
}
