/**
 * @module
 * What a device must download to hold a new model version: the chunks of each file that its
 * local store lacks. A chunk the device already has — from any installed version of any
 * model, or from an interrupted earlier sync — is not fetched again, and a chunk that occurs
 * twice in the new version (runs of zeros do) is fetched once.
 */
import semverCompare from "semver/functions/compare";
import type { ChunkRef, ModelFile, ModelManifest } from "../manifest/model-manifest.ts";
import type { LocalChunks } from "./device-store.ts";
import type { WantedChunk } from "./range-download.ts";

export type PlacedChunk = ChunkRef & { offset: number };

export interface FilePlan {
  file: ModelFile;
  /** Every chunk of the file, where it lies. */
  chunks: PlacedChunk[];
  /** The chunks to download, by file offset. */
  wanted: WantedChunk[];
}

export interface VersionPlan {
  files: FilePlan[];
  totalChunks: number;
  totalBytes: number;
  /** Chunks (and their bytes) the device already holds. */
  localChunks: number;
  localBytes: number;
}

/** A file's chunks with their offsets; a manifest without chunk lists has one chunk per file. */
export function placedChunks(file: ModelFile): PlacedChunk[] {
  let offset = 0;
  return (file.chunks ?? [{ sha256: file.sha256, size: file.size }]).map((c) => {
    const placed = { sha256: c.sha256, size: c.size, offset };
    offset += c.size;
    return placed;
  });
}

/**
 * The newest installed version of `model` that has a file called `name`, with that file: where
 * the old bytes of a changed chunk are guessed from (sub-chunk deltas).
 */
export function newestWithFile<T extends { manifest: ModelManifest }>(
  versions: readonly T[],
  model: string,
  name: string,
): { version: T; file: ModelFile } | null {
  const newest = versions
    .filter((v) => v.manifest.id === model && v.manifest.files.some((f) => f.name === name))
    .toSorted((a, b) => semverCompare(b.manifest.version, a.manifest.version))[0];
  const file = newest?.manifest.files.find((f) => f.name === name);
  return newest && file ? { version: newest, file } : null;
}

export async function planVersion(manifest: ModelManifest, local: Pick<LocalChunks, "has">): Promise<VersionPlan> {
  const seen = new Set<string>();
  const plan: VersionPlan = { files: [], totalChunks: 0, totalBytes: 0, localChunks: 0, localBytes: 0 };
  for (const file of manifest.files) {
    const chunks = placedChunks(file);
    const wanted: WantedChunk[] = [];
    for (const chunk of chunks) {
      plan.totalChunks++;
      plan.totalBytes += chunk.size;
      if (seen.has(chunk.sha256)) {
        continue;
      }
      seen.add(chunk.sha256);
      if (await local.has(chunk.sha256)) {
        plan.localChunks++;
        plan.localBytes += chunk.size;
      } else {
        wanted.push({ ...chunk });
      }
    }
    plan.files.push({ file, chunks, wanted });
  }
  return plan;
}
