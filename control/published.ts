/**
 * @module
 * Whether a model version is in the registry's signed targets: the coordinator rolls out only
 * what was published. The registry's own clients verify signatures; this check only keeps an
 * operator's typo from becoming a rollout every edge would fail on.
 */
import { z } from "zod";
import type { NamedStore } from "../shared/ports/named-store.ts";
import { manifestTarget } from "../shared/registry/layout.ts";

const TargetsFileSchema = z.object({ signed: z.object({ targets: z.record(z.string(), z.unknown()) }) });

export function published(metadata: NamedStore): (model: string, version: string) => Promise<boolean> {
  return async (model, version) => {
    const bytes = await metadata.get("targets.json");
    if (!bytes) {
      return false;
    }
    const targets = TargetsFileSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
    return manifestTarget(model, version) in targets.signed.targets;
  };
}
