/**
 * @module
 * A registry served by its own Hono app with no network: a `fetch` into the app with a hook
 * that lets a test play a malicious mirror for one path at a time, a TufClient that trusts the
 * registry's first root, and a ModelClient fetching chunks through the same fetch.
 * Runtime-neutral (web APIs only): the workerd tests import it as well as the Node ones.
 */
import { registryApp } from "../../control/registry/app.ts";
import { ModelClient } from "../../shared/registry/model-client.ts";
import type { BlobStore } from "../../shared/ports/blob-store.ts";
import type { NamedStore } from "../../shared/ports/named-store.ts";
import { MemoryBlobStore } from "../../shared/storage/memory-blob-store.ts";
import { MemoryNamedStore } from "../../shared/storage/memory-named-store.ts";
import { TufClient } from "../../shared/tuf/client.ts";
import { TufError } from "../../shared/tuf/errors.ts";

/** What the mirror answers for a path instead of the registry; `undefined` answers honestly. */
export type PathTamper = (path: string) => Response | undefined;

export interface ClientOverApp {
  tuf: TufClient;
  /** The client's trusted metadata. */
  store: MemoryNamedStore;
  /** A fresh model client (its own empty chunk store) over the same mirror. */
  models(): ModelClient;
  setTamper(tamper: PathTamper | undefined): void;
}

/** A client of the registry in `metadata` and `blobs`, at the made-up origin `base`. */
export async function clientOverApp(metadata: NamedStore, blobs: BlobStore, base = "http://r"): Promise<ClientOverApp> {
  const app = registryApp({ metadata, blobs });
  let tamper: PathTamper | undefined;
  const fetch = async (input: string, init?: RequestInit) =>
    tamper?.(new URL(input).pathname) ?? app.request(input, init);
  const store = new MemoryNamedStore();
  await TufClient.trust(store, (await metadata.get("1.root.json")) ?? new Uint8Array());
  const tuf = new TufClient({ metadataUrl: `${base}/metadata/`, targetsUrl: `${base}/targets/`, store, fetch });
  return {
    tuf,
    store,
    models: () => new ModelClient({ tuf, chunksUrl: `${base}/chunks/`, chunkStore: new MemoryBlobStore(), fetch }),
    setTamper: (next) => {
      tamper = next;
    },
  };
}

/** "OK", or the TufError code a call failed with (anything else is reported as unexpected). */
export async function tufCode(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
    return "OK";
  } catch (error) {
    return TufError.is(error) ? error.code : `unexpected: ${String(error)}`;
  }
}
