/**
 * @module
 * Where the Node device's installed versions lie for the shared `VersionRunner`
 * (`shared/device-update/version-runner.ts`: engine, integrity check, fallback to N-1): the
 * directories under `versions/`, the manifest checked against the digest that names it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { InstalledVersions } from "../../shared/device-update/version-runner.ts";
import type { DeviceLayout } from "../fs/layout.ts";
import { readInstalledManifest } from "../fs/version-store.ts";

export function fsInstalledVersions(layout: DeviceLayout): InstalledVersions {
  return {
    manifest: (digest) => readInstalledManifest(layout, digest),
    file: async (digest, name) =>
      readFile(join(layout.version(digest), name)).then(
        (bytes) => new Uint8Array(bytes),
        () => null,
      ),
  };
}
