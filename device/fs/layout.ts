/**
 * @module
 * Where things live in a device directory (`--dir`):
 *
 * ```
 * <dir>/.lock                   held by the process that syncs or rolls back
 * <dir>/state/                  pointer.<model>.json, config.json, last-sync.json
 * <dir>/trust/                  the TUF client's trusted metadata, trusted-time.json
 * <dir>/chunks/<sha256>         verified chunks of a version not installed yet
 * <dir>/versions/<sha256>/      an installed version: manifest.json and its files,
 *                               named by the sha256 of its signed manifest; immutable
 * <dir>/staging/<sha256>.<pid>.<n>/   a version being assembled (removed on the next sync)
 * ```
 */
import { join } from "node:path";

const DIGEST = /^[0-9a-f]{64}$/;

function digest(sha256: string): string {
  if (!DIGEST.test(sha256)) {
    throw new Error("not a lower-case hex sha256");
  }
  return sha256;
}

export class DeviceLayout {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  get lock(): string {
    return join(this.root, ".lock");
  }
  get state(): string {
    return join(this.root, "state");
  }
  get trust(): string {
    return join(this.root, "trust");
  }
  get chunksDir(): string {
    return join(this.root, "chunks");
  }
  get versionsDir(): string {
    return join(this.root, "versions");
  }
  get stagingDir(): string {
    return join(this.root, "staging");
  }

  chunk(sha256: string): string {
    return join(this.chunksDir, digest(sha256));
  }

  version(manifestSha256: string): string {
    return join(this.versionsDir, digest(manifestSha256));
  }

  /** A version's manifest, as the registry signed it. */
  manifest(manifestSha256: string): string {
    return join(this.version(manifestSha256), "manifest.json");
  }
}
