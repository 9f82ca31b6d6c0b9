/**
 * @module
 * Installed model versions on disk, each a directory `versions/<manifest sha256>/` holding the
 * signed manifest and the model's files. A version is assembled in a staging directory —
 * every file written chunk by chunk from verified chunks, its whole-file sha256 checked, then
 * fsynced; the manifest written and fsynced; the directory fsynced — and only then renamed
 * into `versions/` (atomic), whose directory entry is fsynced in turn. So a directory under
 * `versions/` is always complete; a crash leaves at worst a staging directory, which the next
 * sync removes. Removal goes the other way round: rename out of `versions/` first, then delete.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { placedChunks } from "../../shared/device-update/chunk-plan.ts";
import { DeviceError } from "../../shared/device-update/device-error.ts";
import type { VersionToStore } from "../../shared/device-update/device-store.ts";
import { type ModelManifest, ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import { TufError } from "../../shared/tuf/errors.ts";
import { type FsLocalChunks, sha256Of } from "./fs-local-chunks.ts";
import type { FsSteps } from "../../adapters/node/fs-steps.ts";
import type { DeviceLayout } from "./layout.ts";

let stagings = 0;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function fileSha256(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const piece of createReadStream(path)) {
    const bytes = piece as Buffer;
    hash.update(bytes);
    size += bytes.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * The manifest of an installed version, after checking that its bytes hash to the digest the
 * pointer names. Throws INTEGRITY_FAILED otherwise.
 */
export async function readInstalledManifest(layout: DeviceLayout, digest: string): Promise<ModelManifest> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(layout.manifest(digest)));
  } catch (error) {
    throw new DeviceError("INTEGRITY_FAILED", `version ${digest.slice(0, 12)} is missing from this device`, {
      cause: error,
    });
  }
  if (sha256Of(bytes) !== digest) {
    throw new DeviceError("INTEGRITY_FAILED", `the manifest of version ${digest.slice(0, 12)} was altered`);
  }
  return ModelManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

/** Checks every file of an installed version against its manifest (size and sha256). */
export async function verifyInstalled(layout: DeviceLayout, digest: string): Promise<ModelManifest> {
  const manifest = await readInstalledManifest(layout, digest);
  for (const file of manifest.files) {
    let actual;
    try {
      actual = await fileSha256(join(layout.version(digest), file.name));
    } catch (error) {
      throw new DeviceError("INTEGRITY_FAILED", `${manifest.id}@${manifest.version}: ${file.name} is missing`, {
        cause: error,
      });
    }
    if (actual.size !== file.size || actual.sha256 !== file.sha256) {
      throw new DeviceError(
        "INTEGRITY_FAILED",
        `${manifest.id}@${manifest.version}: ${file.name} does not match its manifest`,
      );
    }
  }
  return manifest;
}

export class VersionStore {
  private readonly layout: DeviceLayout;
  private readonly steps: FsSteps;
  private readonly chunks: FsLocalChunks;

  constructor(layout: DeviceLayout, steps: FsSteps, chunks: FsLocalChunks) {
    this.layout = layout;
    this.steps = steps;
    this.chunks = chunks;
  }

  async store(version: VersionToStore): Promise<void> {
    const { manifest, manifestSha256: digest } = version;
    const final = this.layout.version(digest);
    if (await exists(final)) {
      try {
        await verifyInstalled(this.layout, digest);
        return;
      } catch {
        // Damaged since it was installed: build it again.
        await this.remove(digest);
      }
    }
    stagings++;
    const staging = join(this.layout.stagingDir, `${digest}.${process.pid}.${stagings}`);
    await this.steps.mkdir(staging);
    for (const file of manifest.files) {
      const out = await this.steps.create(join(staging, file.name));
      const hash = createHash("sha256");
      try {
        for (const ref of placedChunks(file)) {
          const bytes = await this.chunks.get(ref);
          if (!bytes) {
            throw new DeviceError("INTEGRITY_FAILED", `chunk ${ref.sha256} of ${file.name} is missing or damaged`);
          }
          hash.update(bytes);
          await out.write(bytes);
        }
        await out.sync();
      } finally {
        await out.close();
      }
      if (hash.digest("hex") !== file.sha256) {
        throw new TufError(
          "HASH_MISMATCH",
          `${manifest.id}@${manifest.version}/${file.name}`,
          "assembled file does not match its sha256",
        );
      }
    }
    const manifestFile = await this.steps.create(join(staging, "manifest.json"));
    try {
      await manifestFile.write(version.manifestBytes);
      await manifestFile.sync();
    } finally {
      await manifestFile.close();
    }
    await this.steps.syncDir(staging);
    await this.steps.mkdir(this.layout.versionsDir);
    await this.steps.rename(staging, final);
    await this.steps.syncDir(this.layout.versionsDir);
    this.chunks.invalidate();
  }

  /** Removes versions not in `keep`: out of `versions/` by one rename, then deleted. */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.layout.versionsDir);
    } catch {
      return;
    }
    for (const name of names.filter((n) => !keep.has(n))) {
      await this.remove(name);
    }
  }

  private async remove(name: string): Promise<void> {
    stagings++;
    const doomed = join(this.layout.stagingDir, `removed.${name}.${process.pid}.${stagings}`);
    await this.steps.mkdir(this.layout.stagingDir);
    await this.steps.rename(join(this.layout.versionsDir, name), doomed);
    await this.steps.syncDir(this.layout.versionsDir);
    this.chunks.invalidate();
    await this.steps.removeTree(doomed);
  }

  /** Removes staging leftovers of interrupted installs and removals. */
  async recover(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.layout.stagingDir);
    } catch {
      return;
    }
    for (const name of names) {
      await this.steps.removeTree(join(this.layout.stagingDir, name));
    }
    if (names.length > 0) {
      await this.steps.syncDir(this.layout.stagingDir);
    }
  }
}
