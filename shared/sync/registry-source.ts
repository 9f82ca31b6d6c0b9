/**
 * @module
 * The agent's version source backed by the signed registry: the TUF client refreshes the
 * metadata (rollback, freeze and mix-and-match protection), the manifest is a verified
 * target, and only chunks the PoP's chunk store lacks are downloaded, each checked against
 * the manifest's sha256. Assembled files land in the engine's blob store under their digest.
 */
import type { ModelManifest } from "../manifest/model-manifest.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { ModelClient } from "../registry/model-client.ts";
import type { TufClient } from "../tuf/client.ts";
import type { VersionSource } from "./agent.ts";

export class RegistrySource implements VersionSource {
  private readonly tuf: TufClient;
  private readonly client: ModelClient;
  private readonly blobs: BlobStore;

  constructor(tuf: TufClient, client: ModelClient, blobs: BlobStore) {
    this.tuf = tuf;
    this.client = client;
    this.blobs = blobs;
  }

  async refresh(): Promise<void> {
    await this.tuf.refresh();
  }

  manifest(id: string, version: string): Promise<ModelManifest> {
    return this.client.manifest(id, version);
  }

  async ensureFiles(manifest: ModelManifest): Promise<void> {
    for (const file of manifest.files) {
      if (!(await this.blobs.has(file.sha256))) {
        await this.blobs.put(file.sha256, await this.client.file(manifest, file));
      }
    }
  }
}
