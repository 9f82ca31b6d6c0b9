/**
 * @module
 * Fetches model versions from a registry through a verifying TUF client: the manifest is a
 * TUF target (signed length and hash), and the manifest's chunk hashes then verify every
 * chunk, fetched on its own and only when the local chunk store lacks it.
 */
import { z } from "zod";
import { sha256Hex } from "../crypto/sha256.ts";
import { type ModelFile, type ModelManifest, ModelManifestSchema } from "../manifest/model-manifest.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { TufClient } from "../tuf/client.ts";
import { type Fetch, fetchCapped } from "../tuf/download.ts";
import { TufError } from "../tuf/errors.ts";
import type { TargetFile } from "../tuf/schema.ts";
import { fileTarget, manifestTarget, type ModelVersionRef, parseManifestTarget } from "./layout.ts";

export interface ModelClientOptions {
  tuf: TufClient;
  /** Base URL of the chunks (`…/chunks/`). */
  chunksUrl: string;
  /** Where verified chunks are kept between fetches; only missing ones are downloaded. */
  chunkStore: BlobStore;
  fetch?: Fetch;
}

export interface FetchStats {
  fetchedChunks: number;
  fetchedBytes: number;
  cachedChunks: number;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The manifest in TUF-verified bytes of the `<id>/<version>/manifest.json` target: the schema,
 * and the id and version it must name (a signed manifest filed under another name is refused).
 */
export function parseManifestBytes(bytes: Uint8Array, id: string, version: string): ModelManifest {
  const path = manifestTarget(id, version);
  let manifest: ModelManifest;
  try {
    manifest = ModelManifestSchema.parse(JSON.parse(decoder.decode(bytes)));
  } catch (error) {
    const detail = error instanceof z.ZodError ? z.prettifyError(error) : "not JSON";
    throw new TufError("BAD_METADATA", path, `signed manifest is not a valid manifest: ${detail}`, { cause: error });
  }
  if (manifest.id !== id || manifest.version !== version) {
    throw new TufError("BAD_METADATA", path, `manifest names ${manifest.id}@${manifest.version}`);
  }
  return manifest;
}

/**
 * The TUF target of one file of a verified manifest. The manifest and the targets metadata are
 * two signed statements about the file; they must agree on its length and sha256.
 */
export function signedFileTarget(tuf: TufClient, manifest: ModelManifest, file: ModelFile): TargetFile {
  const target = tuf.targetInfo(fileTarget(manifest.id, manifest.version, file.name));
  if (target.length !== file.size || target.hashes.sha256 !== file.sha256) {
    throw new TufError(
      "HASH_MISMATCH",
      `${manifest.id}@${manifest.version}/${file.name}`,
      "the manifest and the signed targets disagree on this file",
    );
  }
  return target;
}

export class ModelClient {
  private readonly tuf: TufClient;
  private readonly chunksUrl: string;
  private readonly chunkStore: BlobStore;
  private readonly fetcher: Fetch;
  readonly stats: FetchStats = { fetchedChunks: 0, fetchedBytes: 0, cachedChunks: 0 };

  constructor(options: ModelClientOptions) {
    this.tuf = options.tuf;
    this.chunksUrl = options.chunksUrl.endsWith("/") ? options.chunksUrl : `${options.chunksUrl}/`;
    this.chunkStore = options.chunkStore;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Every model version the trusted targets list (call `tuf.refresh()` first). */
  versions(): ModelVersionRef[] {
    return this.tuf.targets().flatMap(([path]) => {
      const ref = parseManifestTarget(path);
      return ref ? [ref] : [];
    });
  }

  /** The verified manifest of a version: TUF-verified bytes, then the manifest schema. */
  async manifest(id: string, version: string): Promise<ModelManifest> {
    const bytes = await this.tuf.fetchTarget(manifestTarget(id, version));
    return parseManifestBytes(bytes, id, version);
  }

  /**
   * A file of a verified manifest, assembled from verified chunks. The whole file is checked
   * once more against the manifest and against its own TUF target (two signed statements that
   * must agree).
   */
  async file(manifest: ModelManifest, file: ModelFile): Promise<Uint8Array> {
    const subject = `${manifest.id}@${manifest.version}/${file.name}`;
    signedFileTarget(this.tuf, manifest, file);
    const chunks = file.chunks ?? [{ sha256: file.sha256, size: file.size }];
    const out = new Uint8Array(file.size);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(await this.chunk(chunk.sha256, chunk.size, subject), offset);
      offset += chunk.size;
    }
    if ((await sha256Hex(out)) !== file.sha256) {
      throw new TufError("HASH_MISMATCH", subject, "assembled file does not match its sha256");
    }
    return out;
  }

  /** One chunk: from the local store when present, else fetched (at most `size` bytes) and verified first. */
  async chunk(sha256: string, size: number, subject: string): Promise<Uint8Array> {
    const cached = await this.chunkStore.get(sha256);
    if (cached && cached.byteLength === size && (await sha256Hex(cached)) === sha256) {
      this.stats.cachedChunks++;
      return cached;
    }
    const bytes = await fetchCapped(this.fetcher, `${this.chunksUrl}${sha256}`, size, subject);
    if (!bytes) {
      throw new TufError("DOWNLOAD_FAILED", subject, `the registry has no chunk ${sha256}`);
    }
    const actual = await sha256Hex(bytes);
    if (bytes.byteLength !== size || actual !== sha256) {
      throw new TufError(
        "CHUNK_HASH_MISMATCH",
        subject,
        `chunk ${sha256} arrived as ${actual} (${bytes.byteLength} B)`,
      );
    }
    this.stats.fetchedChunks++;
    this.stats.fetchedBytes += bytes.byteLength;
    await this.chunkStore.put(sha256, bytes);
    return bytes;
  }
}
