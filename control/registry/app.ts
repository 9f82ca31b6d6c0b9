/**
 * @module
 * The registry's read API, a Hono app the control plane mounts (and an edge cache can front):
 *
 * - `GET /metadata/<name>` — TUF metadata: `N.root.json`, `root.json`, `timestamp.json`,
 *   `N.snapshot.json`, `N.targets.json` (consistent snapshots), plus unversioned copies.
 * - `GET /targets/<dir>/<sha256>.<name>` — target files by hash-prefixed path, as every TUF
 *   client asks for them: manifests from the blob store, model files assembled from chunks.
 * - `GET /chunks/<sha256>` — one chunk; `GET /chunks/<sha256>/blocks` — its 4 KiB block hashes.
 *
 * Everything has a strong ETag and honours Range / If-Range (resumable device downloads);
 * content-addressed responses are immutable. The server does not need to be trusted: clients
 * verify all of it. Web-standard APIs only, so the same app also runs in workerd.
 */
import { Hono } from "hono";
import { blockHashes } from "../../shared/chunking/block-hashes.ts";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import { ApiError } from "../../shared/errors.ts";
import { useErrorHandlers } from "../../shared/http/error-handler.ts";
import { boundedCache } from "../../shared/cache/bounded-cache.ts";
import { type ModelManifest, ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import type { BlobStore } from "../../shared/ports/blob-store.ts";
import type { NamedStore } from "../../shared/ports/named-store.ts";
import { manifestTarget, parseFileTarget } from "../../shared/registry/layout.ts";
import { type TargetFile, TargetsSchema } from "../../shared/tuf/schema.ts";
import { parseEnvelope } from "../../shared/tuf/verify.ts";
import { chunkedBody } from "./chunked-body.ts";
import { type Representation, serveRepresentation } from "./http-range.ts";

export interface RegistryReadDeps {
  metadata: NamedStore;
  blobs: BlobStore;
}

const IMMUTABLE = "public, max-age=31536000, immutable";
const METADATA_NAME = /^(?:[1-9]\d{0,15}\.)?(?:root|timestamp|snapshot|targets)\.json$/;
const TARGET_FILE = /^((?:[^/]+\/)*)([0-9a-f]{64})\.([^/]+)$/;

function bytesRep(bytes: Uint8Array, etag: string, contentType: string, cacheControl: string): Representation {
  return { size: bytes.byteLength, etag, contentType, cacheControl, body: (s, e) => bytes.subarray(s, e) };
}

function notFound(what: string): ApiError {
  return new ApiError(404, "not_found", `${what} is not in this registry`);
}

export function registryApp(deps: RegistryReadDeps): Hono {
  const app = new Hono();
  const index = new RegistryIndex(deps);

  useErrorHandlers(app, { notFound: () => notFound("that path") });

  app.get("/metadata/:name", async (c) => {
    const name = c.req.param("name");
    if (!METADATA_NAME.test(name)) {
      throw notFound(name);
    }
    const bytes = await deps.metadata.get(name);
    if (!bytes) {
      throw notFound(name);
    }
    // Versioned files never change; the unversioned ones move with every publish.
    const cache = /^\d/.test(name) ? IMMUTABLE : "no-cache";
    return serveRepresentation(c.req.raw, bytesRep(bytes, `"${await sha256Hex(bytes)}"`, "application/json", cache));
  });

  app.get("/targets/:path{.+}", (c) => serveTarget(c.req.raw, c.req.param("path"), deps.blobs, index));

  app.get("/chunks/:sha256{[0-9a-f]{64}}", async (c) => {
    const sha256 = c.req.param("sha256");
    const bytes = await deps.blobs.get(sha256);
    if (!bytes) {
      throw notFound(`chunk ${sha256}`);
    }
    return serveRepresentation(c.req.raw, bytesRep(bytes, `"${sha256}"`, "application/octet-stream", IMMUTABLE));
  });

  // Block hashes of a chunk (unsigned hints for sub-chunk deltas, shared/device-update/block-delta.ts):
  // derived from the chunk, so they are as immutable as it is.
  app.get("/chunks/:sha256{[0-9a-f]{64}}/blocks", async (c) => {
    const sha256 = c.req.param("sha256");
    const bytes = await deps.blobs.get(sha256);
    if (!bytes) {
      throw notFound(`chunk ${sha256}`);
    }
    const hashes = await blockHashes(bytes);
    return serveRepresentation(
      c.req.raw,
      bytesRep(hashes, `"${sha256}.blocks"`, "application/octet-stream", IMMUTABLE),
    );
  });

  return app;
}

/**
 * The registry's signed state as the read API resolves paths against it: the latest targets
 * metadata (re-read when its bytes change) and the manifests it names (a bounded memo).
 */
class RegistryIndex {
  private readonly deps: RegistryReadDeps;
  private targetsCache: { etag: string; targets: Record<string, TargetFile> } | null = null;
  // Manifests by digest: immutable, so only a bound (the catalogue's size, with room) is needed.
  private readonly manifests = boundedCache<string, ModelManifest>({ max: 256 });

  constructor(deps: RegistryReadDeps) {
    this.deps = deps;
  }

  async latestTargets(): Promise<Record<string, TargetFile>> {
    const bytes = await this.deps.metadata.get("targets.json");
    if (!bytes) {
      throw notFound("targets metadata");
    }
    const etag = await sha256Hex(bytes);
    if (this.targetsCache?.etag !== etag) {
      const envelope = parseEnvelope(bytes, "targets");
      this.targetsCache = { etag, targets: TargetsSchema.parse(envelope.signed).targets };
    }
    return this.targetsCache.targets;
  }

  async manifestBySha(sha256: string): Promise<ModelManifest> {
    const cached = this.manifests.get(sha256);
    if (cached) {
      return cached;
    }
    const bytes = await this.deps.blobs.get(sha256);
    if (!bytes) {
      throw new ApiError(500, "registry_incomplete", `manifest blob ${sha256} is missing`);
    }
    const manifest = ModelManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
    this.manifests.set(sha256, manifest);
    return manifest;
  }
}

/**
 * `GET /targets/<dir>/<sha256>.<name>`: a target the latest targets metadata signs with that
 * hash — a model file assembled from the chunks its manifest lists, anything else (a manifest)
 * from the blob store, checked against its signed length.
 */
async function serveTarget(
  request: Request,
  targetPath: string,
  blobs: BlobStore,
  index: RegistryIndex,
): Promise<Response> {
  const m = TARGET_FILE.exec(targetPath);
  if (!m || m[2] === undefined || m[3] === undefined) {
    throw notFound("that target");
  }
  const [dir, hash, name] = [m[1] ?? "", m[2], m[3]];
  const path = `${dir}${name}`;
  const targets = await index.latestTargets();
  const target = targets[path];
  if (!target || target.hashes.sha256 !== hash) {
    throw notFound(`target ${path} with sha256 ${hash}`);
  }
  const etag = `"${hash}"`;
  const file = parseFileTarget(path);
  if (file) {
    const manifestInfo = targets[manifestTarget(file.id, file.version)];
    const manifest = manifestInfo?.hashes.sha256 ? await index.manifestBySha(manifestInfo.hashes.sha256) : null;
    const entry = manifest?.files.find((f) => f.name === file.name && f.sha256 === hash);
    if (!entry) {
      throw new ApiError(500, "registry_incomplete", `no manifest lists ${path}`);
    }
    const chunks = entry.chunks ?? [{ sha256: entry.sha256, size: entry.size }];
    return serveRepresentation(request, {
      size: entry.size,
      etag,
      contentType: "application/octet-stream",
      cacheControl: IMMUTABLE,
      body: (s, e) => chunkedBody(blobs, chunks, s, e),
    });
  }
  const bytes = await blobs.get(hash);
  if (!bytes) {
    throw notFound(`target ${path}`);
  }
  if (bytes.byteLength !== target.length) {
    throw new ApiError(500, "registry_corrupt", `stored ${path} is ${bytes.byteLength} bytes, signed ${target.length}`);
  }
  return serveRepresentation(request, bytesRep(bytes, etag, "application/json", IMMUTABLE));
}
