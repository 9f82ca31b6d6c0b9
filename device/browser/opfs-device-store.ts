/**
 * @module
 * The browser device's `DeviceStore` in the Origin Private File System, the same port the Node
 * client implements on a filesystem (`device/fs/`), so the shared updater drives both:
 *
 * ```
 * <root>/trust/       root.json, timestamp.json, snapshot.json, targets.json, trusted-time.json
 * <root>/state/       pointer.<model>.json, config.json, last-sync.json
 * <root>/chunks/<sha256>          verified chunks of a version not installed yet
 * <root>/versions/<sha256>/       an installed version: its files, then manifest.json
 * ```
 *
 * Every file is written atomically (`opfs-files.ts`). A version's `manifest.json` is written
 * last, after every file was assembled from verified chunks and hashed whole: a version
 * directory without it is an interrupted install, which nothing reads and the next prune
 * removes. Chunks stay in `chunks/` until their version is installed, so a reload in the
 * middle of a download loses at most the chunk in flight.
 */
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import { newestWithFile, placedChunks } from "../../shared/device-update/chunk-plan.ts";
import { DeviceError } from "../../shared/device-update/device-error.ts";
import type {
  DeviceStore,
  InstalledFile,
  LocalChunks,
  VersionToStore,
} from "../../shared/device-update/device-store.ts";
import type { InstalledVersions } from "../../shared/device-update/version-runner.ts";
import { type ChunkRef, type ModelManifest, ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import { TufError } from "../../shared/tuf/errors.ts";
import {
  listNames,
  readBytes,
  readFileOrNull,
  removeEntry,
  removeTemps,
  replaceFile,
  subdir,
} from "../../adapters/browser/opfs-files.ts";
import { OpfsNamedStore } from "../../adapters/browser/opfs-named-store.ts";

const MANIFEST = "manifest.json";

interface Located {
  digest: string;
  name: string;
  offset: number;
  size: number;
}

interface IndexedVersion {
  digest: string;
  manifest: ModelManifest;
}

export class OpfsDeviceStore implements DeviceStore, LocalChunks, InstalledVersions {
  readonly trust: OpfsNamedStore;
  readonly state: OpfsNamedStore;
  readonly chunks: LocalChunks = this;
  private readonly root: () => Promise<FileSystemDirectoryHandle>;
  private index: Promise<{ chunks: Map<string, Located>; versions: IndexedVersion[] }> | null = null;

  /** `name`: the folder in the origin's private file system (one device per folder). */
  constructor(name: string) {
    let root: Promise<FileSystemDirectoryHandle> | null = null;
    this.root = () => {
      root ??= navigator.storage.getDirectory().then(async (top) => {
        const dir = await subdir(top, name, true);
        if (!dir) {
          throw new Error(`cannot create ${name} in the origin private file system`);
        }
        return dir;
      });
      return root;
    };
    this.trust = new OpfsNamedStore(() => this.dir("trust"));
    this.state = new OpfsNamedStore(() => this.dir("state"));
  }

  private async dir(name: string): Promise<FileSystemDirectoryHandle> {
    const dir = await subdir(await this.root(), name, true);
    if (!dir) {
      throw new Error(`cannot create ${name}/ in the device folder`);
    }
    return dir;
  }

  private async versionDir(digest: string, create = false): Promise<FileSystemDirectoryHandle | null> {
    return subdir(await this.dir("versions"), digest, create);
  }

  // ---- InstalledVersions: what the runner reads ----

  async manifest(digest: string): Promise<ModelManifest> {
    const dir = await this.versionDir(digest);
    const bytes = dir ? await readBytes(dir, MANIFEST) : null;
    if (!bytes) {
      throw new DeviceError("INTEGRITY_FAILED", `version ${digest.slice(0, 12)} is missing from this device`);
    }
    if ((await sha256Hex(bytes)) !== digest) {
      throw new DeviceError("INTEGRITY_FAILED", `the manifest of version ${digest.slice(0, 12)} was altered`);
    }
    return ModelManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  }

  async file(digest: string, name: string): Promise<Uint8Array | null> {
    const dir = await this.versionDir(digest);
    return dir ? readBytes(dir, name) : null;
  }

  /** Every file of version `digest` hashed again against its manifest; INTEGRITY_FAILED otherwise. */
  async verify(digest: string): Promise<ModelManifest> {
    const manifest = await this.manifest(digest);
    for (const file of manifest.files) {
      const bytes = await this.file(digest, file.name);
      if (!bytes || bytes.byteLength !== file.size || (await sha256Hex(bytes)) !== file.sha256) {
        throw new DeviceError(
          "INTEGRITY_FAILED",
          `${manifest.id}@${manifest.version}: ${file.name} is missing or does not match its manifest`,
        );
      }
    }
    return manifest;
  }

  // ---- LocalChunks ----

  private indexed(): Promise<{ chunks: Map<string, Located>; versions: IndexedVersion[] }> {
    this.index ??= (async () => {
      const versions: IndexedVersion[] = [];
      const chunks = new Map<string, Located>();
      for (const digest of (await listNames(await this.dir("versions"))).filter(isDigest)) {
        try {
          const manifest = await this.manifest(digest);
          versions.push({ digest, manifest });
          for (const file of manifest.files) {
            for (const c of placedChunks(file)) {
              chunks.set(c.sha256, { digest, name: file.name, offset: c.offset, size: c.size });
            }
          }
        } catch {
          // Not a complete version (no manifest yet): it cannot lend chunks.
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
    return (await readFileOrNull(await this.dir("chunks"), sha256)) !== null;
  }

  async get(ref: ChunkRef): Promise<Uint8Array | null> {
    const candidates: Array<() => Promise<Uint8Array | null>> = [
      async () => readBytes(await this.dir("chunks"), ref.sha256),
    ];
    const located = (await this.indexed()).chunks.get(ref.sha256);
    if (located) {
      candidates.push(() => this.readRange(located.digest, located.name, located.offset, located.size));
    }
    for (const read of candidates) {
      const bytes = await read().catch(() => null);
      if (bytes && bytes.byteLength === ref.size && (await sha256Hex(bytes)) === ref.sha256) {
        return bytes;
      }
    }
    return null;
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    if ((await sha256Hex(bytes)) !== sha256) {
      throw new Error(`refusing to store bytes under a sha256 they do not have (${sha256})`);
    }
    await replaceFile(await this.dir("chunks"), sha256, bytes);
  }

  async installedFile(model: string, name: string): Promise<InstalledFile | null> {
    const found = newestWithFile((await this.indexed()).versions, model, name);
    if (!found) {
      return null;
    }
    const { version: newest, file } = found;
    return {
      size: file.size,
      chunks: placedChunks(file),
      read: (offset, length) => this.readRange(newest.digest, name, offset, length),
    };
  }

  private async readRange(digest: string, name: string, offset: number, length: number): Promise<Uint8Array> {
    const dir = await this.versionDir(digest);
    const file = dir ? await readFileOrNull(dir, name) : null;
    if (!file) {
      return new Uint8Array(0);
    }
    return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
  }

  // ---- DeviceStore: building and letting go of versions ----

  async storeVersion(version: VersionToStore): Promise<void> {
    const { manifest, manifestSha256: digest } = version;
    if (await this.versionDir(digest)) {
      try {
        await this.verify(digest);
        return;
      } catch {
        // Interrupted or damaged: build it again from verified chunks.
        await removeEntry(await this.dir("versions"), digest);
        this.index = null;
      }
    }
    const dir = await this.versionDir(digest, true);
    if (!dir) {
      throw new Error(`cannot create version ${digest}`);
    }
    for (const file of manifest.files) {
      const parts: Uint8Array[] = [];
      for (const ref of placedChunks(file)) {
        const bytes = await this.get(ref);
        if (!bytes) {
          throw new DeviceError("INTEGRITY_FAILED", `chunk ${ref.sha256} of ${file.name} is missing or damaged`);
        }
        parts.push(bytes);
      }
      const whole = concat(parts, file.size);
      if ((await sha256Hex(whole)) !== file.sha256) {
        throw new TufError(
          "HASH_MISMATCH",
          `${manifest.id}@${manifest.version}/${file.name}`,
          "assembled file does not match its sha256",
        );
      }
      await replaceFile(dir, file.name, whole);
    }
    // Last: its presence is what makes the version complete.
    await replaceFile(dir, MANIFEST, version.manifestBytes);
    this.index = null;
  }

  async pruneVersions(keep: ReadonlySet<string>): Promise<void> {
    const versions = await this.dir("versions");
    for (const name of await listNames(versions)) {
      if (!keep.has(name)) {
        await removeEntry(versions, name);
        this.index = null;
      }
    }
  }

  /** The verified chunks downloaded for a version not installed yet (what a resumed sync does not fetch again). */
  async downloadedChunks(): Promise<string[]> {
    return (await listNames(await this.dir("chunks"))).filter(isDigest);
  }

  async clearChunks(): Promise<void> {
    await removeEntry(await this.root(), "chunks");
  }

  /**
   * Clears what a reload in the middle of a write left behind (temp files). Verified chunks
   * are kept: they are the resumable part of an interrupted download. Runs before each sync.
   */
  async recover(): Promise<void> {
    for (const name of ["trust", "state", "chunks"]) {
      await removeTemps(await this.dir(name));
    }
  }

  /** Forgets everything this device holds (the page's "reset" button; tests start clean). */
  async wipe(): Promise<void> {
    const root = await this.root();
    for (const name of await listNames(root)) {
      await removeEntry(root, name);
    }
    this.index = null;
  }
}

function isDigest(name: string): boolean {
  return /^[0-9a-f]{64}$/.test(name);
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
