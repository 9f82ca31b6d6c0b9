/**
 * @module
 * The storage port of a device: what the platform-neutral updater needs from the disk (Node:
 * files, `device/fs/`) or from the browser (the origin private file system, `device/browser/`). The updater decides
 * *what* to do and in which order — download missing chunks, build the new version, flip the
 * pointer, let N-2 go — and the store makes each step durable and atomic on its platform.
 */
import type { ChunkRef, ModelManifest } from "../manifest/model-manifest.ts";
import type { NamedStore } from "../ports/named-store.ts";

/**
 * The device's content-addressed chunks: the ones downloaded for a version not installed yet,
 * and every chunk of the installed versions (read from their files, so nothing is stored twice).
 */
export interface LocalChunks {
  /** True when the device holds the chunk (it may still fail verification on `get`). */
  has(sha256: string): Promise<boolean>;
  /** The chunk's bytes, checked against its size and sha256; null when absent or damaged. */
  get(ref: ChunkRef): Promise<Uint8Array | null>;
  /** Keeps a verified chunk until its version is installed (atomically: never a torn chunk). */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /**
   * Where a file of an installed version lies, to guess the bytes of a changed chunk from the
   * bytes at the same place in an older version. Null when no installed version has that file.
   */
  installedFile(model: string, name: string): Promise<InstalledFile | null>;
}

export interface InstalledFile {
  size: number;
  /** The file's chunks with their offsets (from its verified manifest). */
  chunks: ReadonlyArray<ChunkRef & { offset: number }>;
  /** Up to `length` bytes from `offset` (unverified: only a guess to be checked by a chunk hash). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface VersionToStore {
  manifest: ModelManifest;
  /** The TUF-verified manifest bytes; their sha256 names the version on the device. */
  manifestBytes: Uint8Array;
  manifestSha256: string;
}

export interface DeviceStore {
  /** The TUF client's trusted metadata, and the latest trusted time. */
  readonly trust: NamedStore;
  /** Pointers, configuration, the last sync's outcome: each replaced atomically. */
  readonly state: NamedStore;
  readonly chunks: LocalChunks;
  /**
   * Makes the version's files durable and complete under its manifest digest, assembled from
   * chunks that are all in `chunks`, every byte checked against the manifest. Idempotent: a
   * complete, verifying copy already there is kept. Changes no pointer.
   */
  storeVersion(version: VersionToStore): Promise<void>;
  /** Removes every stored version whose digest is not in `keep` (N-2, leftovers of crashes). */
  pruneVersions(keep: ReadonlySet<string>): Promise<void>;
  /** Drops every downloaded chunk (called once all of them are inside installed versions). */
  clearChunks(): Promise<void>;
}
