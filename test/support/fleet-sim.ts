/**
 * A simulated fleet for the `fleet` bench: the real control plane app (coordinator, feed,
 * registry read API) over an in-memory registry, and N real sync agents in this process, each
 * with its own TUF client, chunk store, catalog and request counter, talking to the app
 * through `app.fetch` (no sockets, so 1000 PoPs fit in one process). What is simulated is the
 * session: the warmer accepts a version once its bytes verified, without building an
 * onnxruntime session (the e2e test and the `edge` bench cover that part).
 */
import type { Hono } from "hono";
import { controlApp } from "../../control/app.ts";
import { tokenAuthorizer } from "../../control/auth.ts";
import { Coordinator } from "../../control/coordinator.ts";
import { published } from "../../control/published.ts";
import { MemoryControlStore } from "../../control/control-store.ts";
import { ModelClient } from "../../shared/registry/model-client.ts";
import { type ModelDraft, publishModel, type PublishResult } from "../../shared/registry/publish.ts";
import { TufRepository } from "../../shared/registry/repository.ts";
import { MemoryBlobStore } from "../../shared/storage/memory-blob-store.ts";
import { MemoryModelCatalog } from "../../shared/storage/memory-model-catalog.ts";
import { MemoryNamedStore } from "../../shared/storage/memory-named-store.ts";
import { SyncAgent } from "../../shared/sync/agent.ts";
import { MemoryAgentStateStore } from "../../shared/sync/agent-state.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import { HealthRecorder } from "../../shared/sync/health.ts";
import { RegistrySource } from "../../shared/sync/registry-source.ts";
import { TufClient } from "../../shared/tuf/client.ts";
import { generateKey, type Signer } from "../../shared/tuf/keys.ts";

const TOKEN = "bench";
const BASE = "http://control.local";

export interface SimPop {
  id: string;
  agent: SyncAgent;
  catalog: MemoryModelCatalog;
  client: ModelClient;
  requests: { api: number; registry: number };
}

export interface SimControl {
  app: Hono;
  coordinator: Coordinator;
  publish(draft: ModelDraft): Promise<PublishResult>;
  rootBytes(): Promise<Uint8Array>;
  operator: ControlClient;
}

export async function simControl(): Promise<SimControl> {
  const metadata = new MemoryNamedStore();
  const blobs = new MemoryBlobStore();
  const repository = new TufRepository(metadata);
  const signers: Signer[] = await Promise.all([1, 2, 3, 4].map(async () => (await generateKey()).signer));
  const [root, targets, snapshot, timestamp] = signers.map((s) => ({ keys: [s.key], threshold: 1 }));
  if (!root || !targets || !snapshot || !timestamp) {
    throw new Error("four keys expected");
  }
  await repository.init({ root, targets, snapshot, timestamp }, signers);
  const coordinator = new Coordinator({ store: new MemoryControlStore(), versionExists: published(metadata) });
  const app = controlApp({
    coordinator,
    registry: { metadata, blobs },
    authorize: tokenAuthorizer({ operator: TOKEN }),
  });
  return {
    app,
    coordinator,
    publish: (draft) => publishModel(draft, { blobs, repository, keyring: signers }),
    rootBytes: async () => {
      const bytes = await metadata.get("1.root.json");
      if (!bytes) {
        throw new Error("registry has no root");
      }
      return bytes;
    },
    operator: new ControlClient(BASE, TOKEN, (r) => Promise.resolve(app.fetch(r))),
  };
}

export async function simPop(control: SimControl, id: string): Promise<SimPop> {
  const requests = { api: 0, registry: 0 };
  const fetcher = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (new URL(request.url).pathname.startsWith("/registry/")) {
      requests.registry++;
    } else {
      requests.api++;
    }
    return control.app.fetch(request);
  };
  const trusted = new MemoryNamedStore();
  await TufClient.trust(trusted, await control.rootBytes());
  const tuf = new TufClient({
    metadataUrl: `${BASE}/registry/metadata/`,
    targetsUrl: `${BASE}/registry/targets/`,
    store: trusted,
    fetch: fetcher,
  });
  const chunks = new MemoryBlobStore();
  const client = new ModelClient({ tuf, chunksUrl: `${BASE}/registry/chunks/`, chunkStore: chunks, fetch: fetcher });
  const catalog = new MemoryModelCatalog();
  const agent = new SyncAgent({
    pop: id,
    control: new ControlClient(BASE, TOKEN, fetcher),
    source: new RegistrySource(tuf, client, chunks),
    warmer: { warm: async () => undefined, release: () => undefined },
    catalog,
    health: new HealthRecorder(),
    state: new MemoryAgentStateStore(),
    graceMs: 0,
  });
  return { id, agent, catalog, client, requests };
}
