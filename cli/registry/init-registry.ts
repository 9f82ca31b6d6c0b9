/**
 * @module
 * Creates a registry's signing keys (one per role, `rootKeys` for root) and its root metadata
 * v1, keys saved before the metadata that names them. `edgefleet keys init` and
 * `edgefleet dev` both start a registry this way.
 */
import type { RegistryVersions } from "../../shared/registry/repository.ts";
import { TOP_LEVEL_ROLES, type TopLevelRole } from "../../shared/tuf/schema.ts";
import { type KeyFile, newKey, type NewKey, withSavedKeys } from "./key-files.ts";
import { type LocalRegistry, withWriteLock } from "./open-registry.ts";
import { asUserErrors } from "./user-errors.ts";

export async function initRegistry(
  registry: LocalRegistry,
  keysDir: string,
  options: { rootKeys?: number; rootThreshold?: number } = {},
): Promise<{ versions: RegistryVersions; saved: KeyFile[] }> {
  const rootKeys = options.rootKeys ?? 1;
  const made: NewKey[] = [];
  for (const role of TOP_LEVEL_ROLES) {
    for (let i = 0; i < (role === "root" ? rootKeys : 1); i++) {
      made.push(await newKey(role));
    }
  }
  const setup = (role: TopLevelRole) => ({
    keys: made.filter((k) => k.role === role).map((k) => k.signer.key),
    threshold: role === "root" ? (options.rootThreshold ?? 1) : 1,
  });
  return withWriteLock(registry.dir, () =>
    asUserErrors(() =>
      withSavedKeys(keysDir, made, async (files) => ({
        saved: files,
        versions: await registry.repository.init(
          {
            root: setup("root"),
            targets: setup("targets"),
            snapshot: setup("snapshot"),
            timestamp: setup("timestamp"),
          },
          made.map((k) => k.signer),
        ),
      })),
    ),
  );
}
