/**
 * @module
 * Where a model version lives in the registry's TUF targets: its manifest at
 * `<id>/<version>/manifest.json`, each of its files at `<id>/<version>/files/<name>`. Listing
 * the files as targets too lets any standard TUF client fetch and verify a whole model; edgefleet
 * clients fetch the manifest, then only the chunks they lack.
 */
import { ModelIdSchema, SemverSchema } from "../manifest/model-manifest.ts";

export function manifestTarget(id: string, version: string): string {
  return `${id}/${version}/manifest.json`;
}

export function fileTarget(id: string, version: string, name: string): string {
  return `${id}/${version}/files/${name}`;
}

export interface ModelVersionRef {
  id: string;
  version: string;
}

/** The model version a manifest target names, or null for any other target path. */
export function parseManifestTarget(path: string): ModelVersionRef | null {
  const m = /^([^/]+)\/([^/]+)\/manifest\.json$/.exec(path);
  if (!m?.[1] || !m[2] || !ModelIdSchema.safeParse(m[1]).success || !SemverSchema.safeParse(m[2]).success) {
    return null;
  }
  return { id: m[1], version: m[2] };
}

/** The model version and file name a file target names, or null. */
export function parseFileTarget(path: string): (ModelVersionRef & { name: string }) | null {
  const m = /^([^/]+)\/([^/]+)\/files\/([^/]+)$/.exec(path);
  if (!m?.[1] || !m[2] || !m[3]) {
    return null;
  }
  const ref = parseManifestTarget(`${m[1]}/${m[2]}/manifest.json`);
  return ref ? { ...ref, name: m[3] } : null;
}
