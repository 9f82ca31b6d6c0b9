/**
 * @module
 * Reads a registry the way any device does — through the verifying TUF client — whether it
 * is a local directory (served in-process by the registry's own Hono app) or an HTTP URL.
 * The client starts from a trusted root in a fresh temp state, so every signature from that
 * root on is checked again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registryApp } from "../../control/registry/app.ts";
import { FsNamedStore } from "../../adapters/node/fs-named-store.ts";
import { ModelClient } from "../../shared/registry/model-client.ts";
import { MemoryBlobStore } from "../../shared/storage/memory-blob-store.ts";
import { TufClient } from "../../shared/tuf/client.ts";
import type { Fetch } from "../../shared/tuf/download.ts";
import { UserError } from "../output.ts";
import { openRegistry } from "./open-registry.ts";

export interface RegistryReader {
  tuf: TufClient;
  models: ModelClient;
  close(): Promise<void>;
}

function isUrl(location: string): boolean {
  return /^https?:\/\//.test(location);
}

export async function openReader(location: string, trustedRoot?: Uint8Array): Promise<RegistryReader> {
  let base: string;
  let fetcher: Fetch;
  let root = trustedRoot;
  if (isUrl(location)) {
    base = location.replace(/\/+$/, "");
    fetcher = (input, init) => fetch(input, init);
  } else {
    const local = openRegistry(location);
    const app = registryApp({ metadata: local.metadata, blobs: local.blobs });
    base = "http://registry.local";
    fetcher = async (input, init) => app.request(input, init);
    root ??= (await local.metadata.get("1.root.json")) ?? undefined;
  }
  if (!root) {
    const res = await fetcher(`${base}/metadata/1.root.json`);
    root = res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
  }
  if (!root) {
    throw new UserError(`${location} has no root metadata: run edgefleet keys init, or pass --trusted-root`);
  }
  const dir = await mkdtemp(join(tmpdir(), "edgefleet-verify-"));
  const store = new FsNamedStore(dir);
  await TufClient.trust(store, root);
  const tuf = new TufClient({
    metadataUrl: `${base}/metadata/`,
    targetsUrl: `${base}/targets/`,
    store,
    fetch: fetcher,
  });
  const models = new ModelClient({
    tuf,
    chunksUrl: `${base}/chunks/`,
    chunkStore: new MemoryBlobStore(),
    fetch: fetcher,
  });
  return { tuf, models, close: () => rm(dir, { recursive: true, force: true }) };
}
