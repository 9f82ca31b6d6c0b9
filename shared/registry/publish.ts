/**
 * @module
 * Publishes a model version: chunks every file (FastCDC), uploads only the chunks the blob
 * store lacks, stores the manifest, then adds the manifest and the files as TUF targets.
 * Idempotent and resumable: a rerun after a crash skips every chunk already stored, and the
 * version only becomes visible when the new timestamp is written, after all its bytes are in.
 */
import lt from "semver/functions/lt";
import type { z } from "zod";
import rcompare from "semver/functions/rcompare";
import { chunkBytes, chunkFile } from "../chunking/chunk-bytes.ts";
import { sha256Hex } from "../crypto/sha256.ts";
import { ApiError } from "../errors.ts";
import { type ModelFile, type ModelManifest, ModelManifestSchema } from "../manifest/model-manifest.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import type { Signer } from "../tuf/keys.ts";
import type { TargetFile } from "../tuf/schema.ts";
import { fileTarget, manifestTarget, parseManifestTarget } from "./layout.ts";
import { pick, type RegistryVersions, type TufRepository } from "./repository.ts";

export interface DraftFile {
  name: string;
  role: ModelFile["role"];
  bytes: Uint8Array;
}

/**
 * Everything of a manifest except what publishing computes (file hashes, chunks, parent default),
 * as a caller writes it: fields with defaults may be left out.
 */
export type ModelDraft = Omit<z.input<typeof ModelManifestSchema>, "files" | "schema"> & { files: DraftFile[] };

export interface PublishProgress {
  /** Bytes of chunks handled so far (uploaded or found already stored) and in all. */
  doneBytes: number;
  totalBytes: number;
  uploadedChunks: number;
  reusedChunks: number;
}

export interface PublishResult {
  id: string;
  version: string;
  /** `unchanged`: this exact version was already published (nothing written). */
  status: "published" | "unchanged";
  manifest: ModelManifest;
  manifestSha256: string;
  chunks: number;
  uploadedChunks: number;
  reusedChunks: number;
  uploadedBytes: number;
  totalBytes: number;
  registry: RegistryVersions | null;
}

export interface PublishOptions {
  blobs: BlobStore;
  repository: TufRepository;
  keyring: readonly Signer[];
  onProgress?: (p: PublishProgress) => void;
}

const encoder = new TextEncoder();

/** The manifest's canonical file form: the same draft always gives the same bytes. */
export function manifestBytes(manifest: ModelManifest): Uint8Array {
  return encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

export async function publishModel(draft: ModelDraft, options: PublishOptions): Promise<PublishResult> {
  const { blobs, repository, keyring } = options;
  const state = await repository.state();
  // A missing signing key is known now: refuse before uploading anything.
  for (const role of ["targets", "snapshot", "timestamp"] as const) {
    pick(state.root.signed, role, keyring);
  }
  const published = state.targets.signed.targets;
  const chunked = await Promise.all(draft.files.map(async (f) => ({ file: f, chunked: await chunkFile(f.bytes) })));
  const manifest = ModelManifestSchema.parse({
    ...draft,
    schema: "edgefleet.model/v1",
    parent: draft.parent ?? latestBelow(Object.keys(published), draft.id, draft.version),
    files: chunked.map(({ file, chunked: c }) => ({
      name: file.name,
      role: file.role,
      sha256: c.sha256,
      size: c.size,
      chunks: c.chunks.map((k) => ({ sha256: k.sha256, size: k.size })),
    })),
  });
  const bytes = manifestBytes(manifest);
  const manifestSha256 = await sha256Hex(bytes);
  const allChunks = chunked.flatMap((c) => c.chunked.chunks);
  const totalBytes = allChunks.reduce((s, c) => s + c.size, 0);
  const base = {
    id: manifest.id,
    version: manifest.version,
    manifest,
    manifestSha256,
    chunks: allChunks.length,
    totalBytes,
  };

  const existing = published[manifestTarget(manifest.id, manifest.version)];
  if (existing) {
    if (existing.hashes.sha256 === manifestSha256) {
      return {
        ...base,
        status: "unchanged",
        uploadedChunks: 0,
        reusedChunks: allChunks.length,
        uploadedBytes: 0,
        registry: null,
      };
    }
    throw new ApiError(
      409,
      "version_exists",
      `${manifest.id}@${manifest.version} is already published with different content; publish a new version`,
    );
  }

  const { progress, uploadedBytes } = await uploadChunks(chunked, blobs, totalBytes, options.onProgress);
  await blobs.put(manifestSha256, bytes);
  const targets = targetsOf(manifest, bytes.byteLength, manifestSha256);
  const registry = await repository.addTargets(targets, keyring);
  return {
    ...base,
    status: "published",
    uploadedChunks: progress.uploadedChunks,
    reusedChunks: progress.reusedChunks,
    uploadedBytes,
    registry,
  };
}

/**
 * Uploads the chunks the blob store lacks. A chunk repeated within this version, or already
 * stored by an earlier one, is not sent again.
 */
async function uploadChunks(
  chunked: readonly { file: DraftFile; chunked: Awaited<ReturnType<typeof chunkFile>> }[],
  blobs: BlobStore,
  totalBytes: number,
  onProgress: PublishOptions["onProgress"],
): Promise<{ progress: PublishProgress; uploadedBytes: number }> {
  const progress: PublishProgress = { doneBytes: 0, totalBytes, uploadedChunks: 0, reusedChunks: 0 };
  let uploadedBytes = 0;
  const seen = new Set<string>();
  for (const { file, chunked: c } of chunked) {
    for (const chunk of c.chunks) {
      if (seen.has(chunk.sha256) || (await blobs.has(chunk.sha256))) {
        progress.reusedChunks++;
      } else {
        await blobs.put(chunk.sha256, chunkBytes(file.bytes, chunk));
        progress.uploadedChunks++;
        uploadedBytes += chunk.size;
      }
      seen.add(chunk.sha256);
      progress.doneBytes += chunk.size;
      onProgress?.({ ...progress });
    }
  }
  return { progress, uploadedBytes };
}

/** The TUF targets of a version: its manifest, and each file the manifest lists. */
function targetsOf(
  manifest: ModelManifest,
  manifestLength: number,
  manifestSha256: string,
): Record<string, TargetFile> {
  const targets: Record<string, TargetFile> = {
    [manifestTarget(manifest.id, manifest.version)]: {
      length: manifestLength,
      hashes: { sha256: manifestSha256 },
      custom: { edgefleet: { kind: "manifest", model: manifest.id, version: manifest.version, task: manifest.task } },
    },
  };
  for (const f of manifest.files) {
    targets[fileTarget(manifest.id, manifest.version, f.name)] = {
      length: f.size,
      hashes: { sha256: f.sha256 },
      custom: { edgefleet: { kind: "file", role: f.role } },
    };
  }
  return targets;
}

/** The highest published version of `id` below `version`: the default parent. */
function latestBelow(targetPaths: string[], id: string, version: string): string | undefined {
  return targetPaths
    .map(parseManifestTarget)
    .flatMap((ref) => (ref && ref.id === id && lt(ref.version, version) ? [ref.version] : []))
    .toSorted(rcompare)[0];
}
