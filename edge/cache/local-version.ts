/**
 * @module
 * The cache's version key of a model this edge runs itself: the manifest's version and its model
 * file's digest. The version matters because an answer carries it (`x-edgefleet-model-version`)
 * and because the two arms of an A/B experiment must never share answers, even when they differ
 * only in a file beside the weights; the digest, because a re-published version with other
 * weights must not serve the old ones' answers.
 */
import { type ModelManifest, modelFile } from "../../shared/manifest/model-manifest.ts";

export function localCacheVersion(manifest: ModelManifest): string {
  return `${manifest.version}:${modelFile(manifest).sha256}`;
}
