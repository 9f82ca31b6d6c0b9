/**
 * A real registry for tests: Ed25519 keys made with WebCrypto, metadata and chunks in files
 * under a temp dir, served over HTTP on loopback by the registry's Hono app. A `tamper` hook
 * turns the server into a malicious mirror for one path at a time.
 */
import { serve } from "@hono/node-server";
import { cp, readdir, readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { registryApp } from "../../control/registry/app.ts";
import { FsBlobStore } from "../../adapters/node/fs-blob-store.ts";
import { FsNamedStore } from "../../adapters/node/fs-named-store.ts";
import { type ModelDraft, type PublishResult, publishModel } from "../../shared/registry/publish.ts";
import { TufRepository } from "../../shared/registry/repository.ts";
import { generateKey, type Signer } from "../../shared/tuf/keys.ts";
import type { TopLevelRole } from "../../shared/tuf/schema.ts";
import { tempDir } from "./temp-dir.ts";

export type Keyring = Record<TopLevelRole, Signer[]>;

function make(n: number): Promise<Signer[]> {
  return Promise.all(Array.from({ length: n }, async () => (await generateKey()).signer));
}

export async function makeKeys(count: Partial<Record<TopLevelRole, number>> = {}): Promise<Keyring> {
  return {
    root: await make(count.root ?? 1),
    targets: await make(count.targets ?? 1),
    snapshot: await make(count.snapshot ?? 1),
    timestamp: await make(count.timestamp ?? 1),
  };
}

export function allSigners(...rings: Keyring[]): Signer[] {
  return rings.flatMap((r) => [...r.root, ...r.targets, ...r.snapshot, ...r.timestamp]);
}

export interface TestRegistry {
  dir: string;
  metadata: FsNamedStore;
  blobs: FsBlobStore;
  repository: TufRepository;
}

export async function makeRegistry(
  keys: Keyring,
  thresholds: Partial<Record<TopLevelRole, number>> = {},
  lifetimes: { timestamp?: number } = {},
): Promise<TestRegistry> {
  const dir = await tempDir("registry");
  const metadata = new FsNamedStore(join(dir, "metadata"));
  const repository = new TufRepository(metadata, { lifetimes });
  const setup = (role: TopLevelRole) => ({ keys: keys[role].map((s) => s.key), threshold: thresholds[role] ?? 1 });
  await repository.init(
    { root: setup("root"), targets: setup("targets"), snapshot: setup("snapshot"), timestamp: setup("timestamp") },
    allSigners(keys),
  );
  return { dir, metadata, blobs: new FsBlobStore(dir), repository };
}

/** A mirror's misbehaviour for one request; `honest` is what the registry would have answered. */
export type Tamper = (
  request: Request,
  honest: (request: Request) => Promise<Response>,
) => Promise<Response | undefined> | Response | undefined;

export interface RegistryServer {
  url: string;
  metadataUrl: string;
  targetsUrl: string;
  chunksUrl: string;
  /** Paths requested, in order. */
  requests: string[];
  /** The mirror's misbehaviour; `undefined` answers honestly. */
  tamper: Tamper | undefined;
  close(): Promise<void>;
}

export async function serveRegistry(registry: { metadata: FsNamedStore; blobs: FsBlobStore }): Promise<RegistryServer> {
  const app = registryApp({ metadata: registry.metadata, blobs: registry.blobs });
  const state: Partial<RegistryServer> = { requests: [], tamper: undefined };
  const honest = async (r: Request): Promise<Response> => app.fetch(r);
  const handler = async (request: Request): Promise<Response> => {
    state.requests?.push(new URL(request.url).pathname);
    return (await state.tamper?.(request, honest)) ?? honest(request);
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: handler, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      const url = `http://127.0.0.1:${info.port}`;
      Object.assign(state, {
        url,
        metadataUrl: `${url}/metadata/`,
        targetsUrl: `${url}/targets/`,
        chunksUrl: `${url}/chunks/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
      resolve(state as RegistryServer);
    });
    server.once("error", reject);
  });
}

/** Publishes one model file as version `version` of model `id` (each fixture builds its own draft). */
export type PublishFile = (
  registry: TestRegistry,
  keys: Keyring,
  id: string,
  version: string,
  bytes: Uint8Array,
) => Promise<PublishResult>;

/** Publishes a draft into the registry, signed with every key of the ring. */
export function publishTo(registry: TestRegistry, keys: Keyring, draft: ModelDraft): Promise<PublishResult> {
  return publishModel(draft, { blobs: registry.blobs, repository: registry.repository, keyring: allSigners(keys) });
}

/** Keys, a registry signed by them and its read API on loopback: where most registry tests start. */
export interface LoopbackRegistry {
  keys: Keyring;
  registry: TestRegistry;
  server: RegistryServer;
  /** Publishes a draft signed with every key. */
  publish(draft: ModelDraft): Promise<PublishResult>;
}

export async function startRegistry(
  options: {
    keys?: Partial<Record<TopLevelRole, number>>;
    thresholds?: Partial<Record<TopLevelRole, number>>;
    lifetimes?: { timestamp?: number };
  } = {},
): Promise<LoopbackRegistry> {
  const keys = await makeKeys(options.keys);
  const registry = await makeRegistry(keys, options.thresholds, options.lifetimes);
  const server = await serveRegistry(registry);
  return {
    keys,
    registry,
    server,
    publish: (draft) => publishTo(registry, keys, draft),
  };
}

/** Every file of a directory tree with its bytes: "byte-identical before and after". */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[path.slice(dir.length + 1)] = (await readFile(path)).toString("base64");
    }
  }
  return out;
}

export async function copyDir(from: string, prefix: string): Promise<string> {
  const to = await tempDir(prefix);
  await cp(from, to, { recursive: true });
  return to;
}
