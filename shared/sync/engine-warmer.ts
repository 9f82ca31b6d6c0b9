/**
 * @module
 * Pre-warming with the real inference engine: build the session (the engine verifies every
 * file's sha256 first), run the manifest's golden input and compare the output to the one
 * recorded at publish. Without a golden record the task's warm-up input still runs, so the
 * first real request does not pay for wasm tier-up.
 */
import type { ModelEngine } from "../engine/model-engine.ts";
import { predict, warm } from "../engine/predict.ts";
import { type ModelManifest, versionLabel } from "../manifest/model-manifest.ts";
import type { Warmer } from "./agent.ts";
import { matchesGolden } from "./golden.ts";

export class EngineWarmer implements Warmer {
  private readonly engine: ModelEngine;

  constructor(engine: ModelEngine) {
    this.engine = engine;
  }

  async warm(manifest: ModelManifest): Promise<void> {
    await warm(this.engine, manifest, 1);
    const golden = manifest.golden;
    if (golden) {
      const result = await predict(this.engine, manifest, golden.input, {});
      if (!matchesGolden(result.output, golden.output, golden.tolerance)) {
        throw new Error(`${versionLabel(manifest)} does not reproduce its golden output`);
      }
    }
  }

  release(manifest: ModelManifest): void {
    this.engine.unloadOtherVersions(manifest);
  }
}
