/**
 * Tenant scorers for the rollout tests: the untuned rule (cosine ≥ floor, then the verifier) at
 * a chosen floor, named for a tenant, optionally denying pairs, with its content-hash version;
 * and publishing one into a test registry through the same draft `edgefleet cache publish` signs.
 */
import { scorerDraft, type TenantScorer } from "../../shared/cache/scorer/published-scorer.ts";
import { defaultScorer } from "../../shared/cache/scorer/scorer-model.ts";
import { scorerVersion } from "../../shared/cache/scorer/scorer-version.ts";
import { publishModel, type PublishResult } from "../../shared/registry/publish.ts";
import { allSigners, type Keyring, type TestRegistry } from "./registry-fixture.ts";

export async function floorScorer(tenant: string, floor: number, deny: string[] = []): Promise<TenantScorer> {
  const { version: _default, ...body } = { ...defaultScorer(floor), tenant, deny };
  return { ...body, version: await scorerVersion(body) };
}

export function publishScorer(
  registry: TestRegistry,
  keys: Keyring,
  scorer: TenantScorer,
  version: string,
): Promise<PublishResult> {
  return publishModel(scorerDraft(scorer, version), {
    blobs: registry.blobs,
    repository: registry.repository,
    keyring: allSigners(keys),
  });
}
