/**
 * @module
 * The device's content-addressed chunks on disk. Two places hold them: `chunks/<sha256>`
 * (downloaded for a version not installed yet, each written atomically) and the files of the
 * installed versions under `versions/`, indexed by the chunk lists of their manifests — so an
 * installed model is never stored a second time as chunks. Every read is checked against the
 * chunk's size and sha256 before it is used.
 */
import { createHash } from "node:crypto";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { newestWithFile, placedChunks, type PlacedChunk } from "../../shared/device-update/chunk-plan.ts";
import type { InstalledFile, LocalChunks } from "../../shared/device-update/device-store.ts";
import { type ChunkRef, type ModelManifest, ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import type { FsSteps } from "../../adapters/node/fs-steps.ts";
import type { DeviceLayout } from "./layout.ts";

interface Located {
  path: string;
  offset: number;
  size: number;
}

interface IndexedVersion {
  dir: string;
  manifest: ModelManifest;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Reads `length` bytes at `offset` of a file (fewer when the file is shorter). */
export async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const out = new Uint8Array(length);
    let at = 0;
    while (at < length) {
      const { bytesRead } = await handle.read(out, at, length - at, offset + at);
      if (bytesRead === 0) {
        break;
      }
      at += bytesRead;
    }
    return at === length ? out : out.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** The manifests of the complete versions under `versions/` (a dir whose manifest hashes to its name). */
export async function installedVersions(layout: DeviceLayout): Promise<IndexedVersion[]> {
  let names: string[];
  try {
    names = await readdir(layout.versionsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return [];
    }
    throw error;
  }
  const out: IndexedVersion[] = [];
  for (const name of names.filter((n) => /^[0-9a-f]{64}$/.test(n))) {
    try {
      const bytes = new Uint8Array(await readFile(layout.manifest(name)));
      if (sha256Of(bytes) !== name) {
        continue;
      }
      const manifest = ModelManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
      out.push({ dir: layout.version(name), manifest });
    } catch {
      // Not a complete version: it cannot lend chunks.
    }
  }
  return out;
}

export class FsLocalChunks implements LocalChunks {
  private readonly layout: DeviceLayout;
  private readonly steps: FsSteps;
  private index: Promise<{ chunks: Map<string, Located>; versions: IndexedVersion[] }> | null = null;

  constructor(layout: DeviceLayout, steps: FsSteps) {
    this.layout = layout;
    this.steps = steps;
  }

  /** Installed versions changed: rebuild the index on next use. */
  invalidate(): void {
    this.index = null;
  }

  private indexed(): Promise<{ chunks: Map<string, Located>; versions: IndexedVersion[] }> {
    this.index ??= (async () => {
      const versions = await installedVersions(this.layout);
      const chunks = new Map<string, Located>();
      for (const { dir, manifest } of versions) {
        for (const file of manifest.files) {
          for (const c of placedChunks(file)) {
            chunks.set(c.sha256, { path: join(dir, file.name), offset: c.offset, size: c.size });
          }
        }
      }
      return { chunks, versions };
    })();
    return this.index;
  }

  async has(sha256: string): Promise<boolean> {
    if ((await this.indexed()).chunks.has(sha256)) {
      return true;
    }
    try {
      return (await stat(this.layout.chunk(sha256))).isFile();
    } catch {
      return false;
    }
  }

  async get(ref: ChunkRef): Promise<Uint8Array | null> {
    const candidates: Array<() => Promise<Uint8Array>> = [
      async () => new Uint8Array(await readFile(this.layout.chunk(ref.sha256))),
    ];
    const located = (await this.indexed()).chunks.get(ref.sha256);
    if (located) {
      candidates.push(() => readRange(located.path, located.offset, located.size));
    }
    for (const read of candidates) {
      try {
        const bytes = await read();
        if (bytes.byteLength === ref.size && sha256Of(bytes) === ref.sha256) {
          return bytes;
        }
      } catch {
        // Absent or unreadable here: try the next place.
      }
    }
    return null;
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    if (sha256Of(bytes) !== sha256) {
      throw new Error(`refusing to store bytes under a sha256 they do not have (${sha256})`);
    }
    await this.steps.mkdir(this.layout.chunksDir);
    await this.steps.replaceFile(this.layout.chunk(sha256), bytes);
  }

  async installedFile(model: string, name: string): Promise<InstalledFile | null> {
    const found = newestWithFile((await this.indexed()).versions, model, name);
    if (!found) {
      return null;
    }
    const { version: newest, file } = found;
    const path = join(newest.dir, file.name);
    const chunks: PlacedChunk[] = placedChunks(file);
    return { size: file.size, chunks, read: (offset, length) => readRange(path, offset, length) };
  }
}
