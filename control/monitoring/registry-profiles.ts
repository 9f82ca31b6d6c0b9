/**
 * @module
 * Looks up a model version's monitoring settings (reference profile, drift threshold) in the
 * registry: the manifest target's hash in the signed targets, the manifest bytes by that hash,
 * checked against it. Cached per version: a published version never changes.
 */
import { z } from "zod";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import { ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import type { ModelMonitoring } from "../../shared/monitoring/monitoring-settings.ts";
import type { BlobStore } from "../../shared/ports/blob-store.ts";
import type { NamedStore } from "../../shared/ports/named-store.ts";
import { manifestTarget } from "../../shared/registry/layout.ts";

const TargetsFileSchema = z.object({
  signed: z.object({ targets: z.record(z.string(), z.object({ hashes: z.object({ sha256: z.string() }) })) }),
});

export type ProfileLookup = (model: string, version: string) => Promise<ModelMonitoring | undefined>;

export function registryProfiles(metadata: NamedStore, blobs: BlobStore): ProfileLookup {
  const cache = new Map<string, Promise<ModelMonitoring | undefined>>();
  const load = async (model: string, version: string): Promise<ModelMonitoring | undefined> => {
    const targetsBytes = await metadata.get("targets.json");
    if (!targetsBytes) {
      return undefined;
    }
    const targets = TargetsFileSchema.parse(JSON.parse(new TextDecoder().decode(targetsBytes)));
    const sha = targets.signed.targets[manifestTarget(model, version)]?.hashes.sha256;
    const bytes = sha ? await blobs.get(sha) : null;
    if (!sha || !bytes || (await sha256Hex(bytes)) !== sha) {
      return undefined;
    }
    return ModelManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes))).monitoring;
  };
  return (model, version) => {
    const key = `${model}@${version}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = load(model, version);
      // A version not yet published may be next time: only found profiles stay cached.
      hit.then((m) => m === undefined && cache.delete(key)).catch(() => cache.delete(key));
      cache.set(key, hit);
    }
    return hit;
  };
}
