/**
 * @module
 * Operator-injected faults per model version (chaos drills and the rollout tests): a share
 * of the requests a version serves fails with 500 `injected_fault`, spread evenly (every
 * k-th request, not random) so a drill is reproducible. Held in the isolate's memory only.
 */
import { ApiError } from "../shared/errors.ts";
import type { ModelManifest } from "../shared/manifest/model-manifest.ts";

export class FaultInjector {
  private readonly rates = new Map<string, { rate: number; seen: number }>();

  set(model: string, version: string, rate: number): void {
    if (rate <= 0) {
      this.rates.delete(`${model}@${version}`);
    } else {
      this.rates.set(`${model}@${version}`, { rate: Math.min(rate, 1), seen: 0 });
    }
  }

  /** Throws for the requests this version should fail. */
  check(manifest: ModelManifest): void {
    const f = this.rates.get(`${manifest.id}@${manifest.version}`);
    if (!f) {
      return;
    }
    const before = Math.floor(f.seen * f.rate);
    f.seen++;
    if (Math.floor(f.seen * f.rate) > before) {
      throw new ApiError(500, "injected_fault", `Fault injected on ${manifest.id}@${manifest.version}.`);
    }
  }
}
