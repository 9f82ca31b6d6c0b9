/**
 * @module
 * The signing half of every publish command (`edgefleet publish`, `edgefleet cache publish`):
 * open the registry, load the signing keys and refuse a missing role before anything is read
 * or uploaded, then publish a draft under the registry's write lock with a progress bar, and
 * print what changed. One code path, so a model and a cache scorer are signed the same way.
 */
import type { Signer } from "../../shared/tuf/keys.ts";
import { type ModelDraft, publishModel } from "../../shared/registry/publish.ts";
import { pick } from "../../shared/registry/repository.ts";
import { printResult, UserError } from "../output.ts";
import { timestampExpiresSeconds } from "./common-args.ts";
import { loadKeys } from "./key-files.ts";
import { type LocalRegistry, openRegistry, withWriteLock } from "./open-registry.ts";
import { publishProgressBar } from "./progress.ts";
import { asUserErrors } from "./user-errors.ts";

export interface PublishTarget {
  registry: string;
  keys: string;
  "timestamp-expires": string;
  json: boolean;
}

export interface OpenedForPublish {
  target: PublishTarget;
  registry: LocalRegistry;
  keyring: Signer[];
}

/** The registry and keys, checked: every role publishing signs with has a key here. */
export async function openForPublish(target: PublishTarget): Promise<OpenedForPublish> {
  const seconds = timestampExpiresSeconds(target["timestamp-expires"]);
  const registry = openRegistry(target.registry, { timestampSeconds: seconds });
  const keyring = (await loadKeys(target.keys)).map((k) => k.signer);
  if (keyring.length === 0) {
    throw new UserError(`no signing keys in ${target.keys} (run edgefleet keys init, or pass --keys <dir>)`);
  }
  await asUserErrors(async () => {
    const root = (await registry.repository.state()).root.signed;
    for (const role of ["targets", "snapshot", "timestamp"] as const) {
      pick(root, role, keyring);
    }
  });
  return { target, registry, keyring };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

/** Publishes the draft and prints the result (`extra`: more fields for `--json`). */
export async function publishDraft(
  opened: OpenedForPublish,
  draft: ModelDraft,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { target, registry, keyring } = opened;
  const bar = publishProgressBar(!target.json);
  const result = await withWriteLock(target.registry, () =>
    asUserErrors(() =>
      publishModel(draft, {
        blobs: registry.blobs,
        repository: registry.repository,
        keyring,
        onProgress: (p) => bar.update(p),
      }),
    ),
  ).finally(() => bar.stop());
  const { manifest, ...summary } = result;
  printResult(target.json, { ...summary, parent: manifest.parent ?? null, task: manifest.task, ...extra }, () => {
    if (result.status === "unchanged") {
      return `${result.id}@${result.version} is already published with this exact content; nothing changed.`;
    }
    return [
      `Published ${result.id}@${result.version} (${manifest.task}${manifest.parent ? `, parent ${manifest.parent}` : ""})`,
      `  ${result.chunks} chunks, ${mb(result.totalBytes)} MB: ${result.uploadedChunks} uploaded (${mb(result.uploadedBytes)} MB), ${result.reusedChunks} already stored`,
      `  manifest sha256 ${result.manifestSha256}`,
      `  registry: targets v${result.registry?.targets}, snapshot v${result.registry?.snapshot}, timestamp v${result.registry?.timestamp}`,
    ].join("\n");
  });
}
