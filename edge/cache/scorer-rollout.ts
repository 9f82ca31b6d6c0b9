/**
 * @module
 * How the PoP sync agent takes a cache scorer (task `cache-scorer`, docs/cache-learning.md) into
 * service: the warmer reads the verified file from the PoP's blob store (the registry source put
 * it there after TUF and chunk checks), checks its sha256 again and runs the scorer checks
 * (parses, names the tenant its id says, version = content hash, scores a fixed pair) instead of
 * building an ONNX session; the cutover installs it as the tenant's scorer, then records the
 * version in the catalog like any model, so canaries, promotion and rollback work unchanged.
 * Every other model goes to the engine's warmer and the catalog as before.
 */
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { BlobStore } from "../../shared/ports/blob-store.ts";
import {
  parseScorerFile,
  SCORER_TASK,
  scorerTenantOf,
  type TenantScorer,
} from "../../shared/cache/scorer/published-scorer.ts";
import type { ServedCatalog, Warmer } from "../../shared/sync/agent.ts";
import type { TenantScorers } from "./tenant-scorers.ts";

const isScorer = (m: ModelManifest) => m.task === SCORER_TASK;

/** The checked scorer of a rolled-out manifest, read from the blob store. */
export async function rolledOutScorer(manifest: ModelManifest, blobs: BlobStore): Promise<TenantScorer> {
  const label = `${manifest.id}@${manifest.version}`;
  const tenant = scorerTenantOf(manifest.id);
  if (tenant === undefined || manifest.private_to?.length !== 1 || manifest.private_to[0] !== tenant) {
    throw new Error(`${label}: a cache scorer's id is cache-scorer.<tenant> and it is private to that tenant alone`);
  }
  const [file] = manifest.files;
  const bytes = file ? await blobs.get(file.sha256) : null;
  if (!file || !bytes || (await sha256Hex(bytes)) !== file.sha256) {
    throw new Error(`${label}: the scorer file is missing or does not match its signed sha256`);
  }
  try {
    return await parseScorerFile(bytes, tenant);
  } catch (error) {
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export class ScorerAwareWarmer implements Warmer {
  private readonly inner: Warmer;
  private readonly blobs: BlobStore;

  constructor(inner: Warmer, blobs: BlobStore) {
    this.inner = inner;
    this.blobs = blobs;
  }

  async warm(manifest: ModelManifest): Promise<void> {
    if (isScorer(manifest)) {
      await rolledOutScorer(manifest, this.blobs);
    } else {
      await this.inner.warm(manifest);
    }
  }

  /** A scorer holds no session: nothing to release, no grace period to wait out. */
  release(manifest: ModelManifest): void {
    if (!isScorer(manifest)) {
      this.inner.release(manifest);
    }
  }

  holdsSession(manifest: ModelManifest): boolean {
    return !isScorer(manifest) && (this.inner.holdsSession?.(manifest) ?? true);
  }
}

export class ScorerInstallingCatalog implements ServedCatalog {
  private readonly inner: ServedCatalog;
  private readonly blobs: BlobStore;
  private readonly scorers: TenantScorers;
  /** The inner catalog's experiment slot, passed through as it is (absent when it has none). */
  readonly experiment?: ServedCatalog["experiment"];
  readonly setExperiment?: ServedCatalog["setExperiment"];

  constructor(inner: ServedCatalog, blobs: BlobStore, scorers: TenantScorers) {
    this.inner = inner;
    this.blobs = blobs;
    this.scorers = scorers;
    if (inner.experiment && inner.setExperiment) {
      this.experiment = inner.experiment.bind(inner);
      this.setExperiment = inner.setExperiment.bind(inner);
    }
  }

  get(id: string): Promise<ModelManifest | undefined> {
    return this.inner.get(id);
  }

  /** The scorer first: the catalog names a version only once the tenant's lookups use it. */
  async set(manifest: ModelManifest): Promise<void> {
    if (isScorer(manifest)) {
      const scorer = await rolledOutScorer(manifest, this.blobs);
      await this.scorers.put(scorer.tenant, scorer);
    }
    await this.inner.set(manifest);
  }
}
