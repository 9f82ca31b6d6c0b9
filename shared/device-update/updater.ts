/**
 * @module
 * One device sync, platform-neutral (docs/device.md, "How a sync works"): refresh the signed metadata
 * through the shared TUF client (timestamp → snapshot → targets: signatures, no rollback,
 * expiry judged by the device's monotonic latest trusted time), pick each model's version by
 * channel, fetch its signed manifest, download only the chunks the device lacks (resumable
 * ranges, every chunk verified), have the store build the version durably, then flip the
 * model's pointer (the commit point) and let N-2 go.
 *
 * Until the pointer flips, the device runs what it ran before; a refused update changes no
 * pointer and no trusted metadata, so the last verified model keeps running.
 */
import { type ModelManifest, SemverSchema } from "../manifest/model-manifest.ts";
import { fileTarget, manifestTarget, parseManifestTarget } from "../registry/layout.ts";
import { parseManifestBytes, signedFileTarget } from "../registry/model-client.ts";
import { TufClient, type TrustedVersions } from "../tuf/client.ts";
import type { Fetch } from "../tuf/download.ts";
import { TufError } from "../tuf/errors.ts";
import { targetFilePath } from "../tuf/target-path.ts";
import type { ChannelResolver } from "./channel.ts";
import { type FilePlan, planVersion } from "./chunk-plan.ts";
import { countingFetch } from "./counting-fetch.ts";
import { DeviceError } from "./device-error.ts";
import { advancePointer, pointedModels, readPointer, writePointer } from "./device-state.ts";
import type { DeviceStore } from "./device-store.ts";
import { downloadRanges, type RangeDownloadOptions, type RangeDownloadStats } from "./range-download.ts";
import { advanceTrustedTime, effectiveNow, readTrustedTime } from "./trusted-time.ts";

export interface SyncProgress {
  model: string;
  version: string;
  /** Bytes of chunks to download for this model, and how many have arrived. */
  totalBytes: number;
  doneBytes: number;
}

export interface SyncOptions {
  /** Base URL of the registry read API. */
  server: string;
  store: DeviceStore;
  /** Models to sync; default: every model already on the device. */
  models?: readonly string[];
  channel: ChannelResolver;
  fetch?: Fetch;
  /** The device clock. */
  now?: () => Date;
  onProgress?: (p: SyncProgress) => void;
  /** Retry behaviour of chunk downloads. */
  download?: Pick<RangeDownloadOptions, "maxStalls" | "retryDelayMs">;
  /**
   * Refines a file's wanted chunks before download (e.g. to fetch only the changed blocks of a
   * chunk, guessing the rest from an older version). Every chunk is still verified whole.
   */
  refine?: (plan: FilePlan, context: RefineContext) => Promise<void>;
}

export interface RefineContext {
  model: string;
  fetch: Fetch;
  /** The registry's base URL. */
  server: string;
  store: DeviceStore;
}

export type ModelSyncStatus = "installed" | "up-to-date" | "held" | "not-published" | "failed";

export interface ModelSyncResult {
  model: string;
  status: ModelSyncStatus;
  /** The version now current on the device (null when none). */
  version: string | null;
  previous: string | null;
  /** The version the channel picked (null when none is published). */
  target: string | null;
  chunks: { total: number; local: number; downloaded: number };
  bytes: { total: number; local: number; downloaded: number };
  error: { code: string; message: string } | null;
}

export interface SyncReport {
  ok: boolean;
  metadata: TrustedVersions;
  models: ModelSyncResult[];
  /** Every response body byte this sync received: metadata, manifests, chunks. */
  bytesDownloaded: number;
  download: RangeDownloadStats;
}

function emptyStats(): RangeDownloadStats {
  return { requests: 0, receivedBytes: 0, skippedBytes: 0, droppedBytes: 0, cuts: 0, restarts: 0, baseMisses: 0 };
}

function addStats(into: RangeDownloadStats, more: RangeDownloadStats): void {
  for (const key of Object.keys(into) as Array<keyof RangeDownloadStats>) {
    into[key] += more[key];
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Runs one sync. Throws a TufError when the metadata is refused (nothing changes then). */
export async function syncDevice(options: SyncOptions): Promise<SyncReport> {
  const server = withSlash(options.server);
  const clock = options.now ?? (() => new Date());
  const counter = countingFetch(options.fetch ?? ((input, init) => fetch(input, init)));
  const { store } = options;

  const models = options.models ?? (await pointedModels(store.state));
  if (models.length === 0) {
    throw new DeviceError("BAD_REQUEST", "this device has no models yet: name the ones to install");
  }
  const startedAt = clock();
  const start = effectiveNow(startedAt, await readTrustedTime(store.trust));
  const tuf = new TufClient({
    metadataUrl: `${server}metadata/`,
    targetsUrl: `${server}targets/`,
    store: store.trust,
    fetch: counter.fetch,
    // Expiry is judged at one fixed moment (spec §5.1), never earlier than the device has seen.
    now: () => start,
  });
  const metadata = await tuf.refresh();
  // The clock was inside fresh metadata's validity: it may move the trusted time forward.
  await advanceTrustedTime(store.trust, startedAt);

  const download = emptyStats();
  const results: ModelSyncResult[] = [];
  for (const model of models) {
    results.push(await syncModel({ options, server, tuf, fetch: counter.fetch, model, download }));
  }
  const ok = results.every((r) => r.status !== "failed");
  if (ok) {
    // Every downloaded chunk now lies inside an installed version, and every version a pointer
    // does not name (N-2, or one a crash left behind right after a flip) can go.
    await store.pruneVersions(await referencedVersions(options));
    await store.clearChunks();
  }
  return { ok, metadata, models: results, bytesDownloaded: counter.bytes, download };
}

interface ModelJob {
  options: SyncOptions;
  server: string;
  tuf: TufClient;
  fetch: Fetch;
  model: string;
  download: RangeDownloadStats;
}

/** The versions of one model that the trusted targets list. */
function publishedVersions(tuf: TufClient, model: string): string[] {
  return tuf.targets().flatMap(([path]) => {
    const ref = parseManifestTarget(path);
    return ref && ref.id === model ? [ref.version] : [];
  });
}

async function syncModel(job: ModelJob): Promise<ModelSyncResult> {
  const { options, tuf, model } = job;
  const { store } = options;
  const pointer = await readPointer(store.state, model);
  const result: ModelSyncResult = {
    model,
    status: "up-to-date",
    version: pointer?.current.version ?? null,
    previous: pointer?.previous?.version ?? null,
    target: null,
    chunks: { total: 0, local: 0, downloaded: 0 },
    bytes: { total: 0, local: 0, downloaded: 0 },
    error: null,
  };
  try {
    const target = options.channel(publishedVersions(tuf, model).filter((v) => SemverSchema.safeParse(v).success));
    result.target = target;
    if (target === null) {
      result.status = "not-published";
      return result;
    }
    const path = manifestTarget(model, target);
    const digest = tuf.targetInfo(path).hashes.sha256;
    if (digest === undefined) {
      throw new TufError("BAD_METADATA", path, "the target has no sha256");
    }
    if (pointer?.current.manifest_sha256 === digest) {
      return result;
    }
    if (pointer?.rolled_back_from?.manifest_sha256 === digest) {
      result.status = "held";
      return result;
    }
    const manifestBytes = await tuf.fetchTarget(path);
    const manifest = parseManifestBytes(manifestBytes, model, target);
    await fetchMissing(job, manifest, result);
    await store.storeVersion({ manifest, manifestBytes, manifestSha256: digest });
    // The commit point: one atomic pointer write. Before it the old version runs, after it the new.
    const next = advancePointer(model, pointer, {
      version: target,
      manifest_sha256: digest,
      verified_at: (options.now ?? (() => new Date()))().toISOString(),
    });
    await writePointer(store.state, next);
    await store.pruneVersions(await referencedVersions(options));
    result.status = "installed";
    result.version = next.current.version;
    result.previous = next.previous?.version ?? null;
    return result;
  } catch (error) {
    // Refusals and I/O failures (a full disk, a lost connection) fail this model and leave its
    // pointer alone; anything else is a bug and is not dressed up as a result.
    const code = failureCode(error);
    if (code === null || !(error instanceof Error)) {
      throw error;
    }
    result.status = "failed";
    result.error = { code, message: error.message };
    return result;
  }
}

function failureCode(error: unknown): string | null {
  if (TufError.is(error) || DeviceError.is(error)) {
    return error.code;
  }
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  // Platform I/O errors carry a code such as ENOSPC (Node) or a DOMException name (browsers).
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
    return code;
  }
  return error instanceof Error && error.name === "QuotaExceededError" ? "QUOTA_EXCEEDED" : null;
}

/** Downloads every chunk of the manifest that the device lacks into its chunk store. */
async function fetchMissing(job: ModelJob, manifest: ModelManifest, result: ModelSyncResult): Promise<void> {
  const { options, tuf, model } = job;
  const { store } = options;
  const plan = await planVersion(manifest, store.chunks);
  const wantedBytes = plan.files.reduce((s, f) => s + f.wanted.reduce((t, c) => t + c.size, 0), 0);
  result.chunks = { total: plan.totalChunks, local: plan.localChunks, downloaded: 0 };
  result.bytes = { total: plan.totalBytes, local: plan.localBytes, downloaded: 0 };
  let doneBytes = 0;
  const progress = () => options.onProgress?.({ model, version: manifest.version, totalBytes: wantedBytes, doneBytes });
  progress();
  for (const filePlan of plan.files) {
    if (filePlan.wanted.length === 0) {
      continue;
    }
    await options.refine?.(filePlan, { model, fetch: job.fetch, server: job.server, store });
    const file = filePlan.file;
    const target = signedFileTarget(tuf, manifest, file);
    const path = targetFilePath(
      fileTarget(manifest.id, manifest.version, file.name),
      target,
      tuf.root.consistent_snapshot,
    );
    const stats = await downloadRanges({
      fetch: job.fetch,
      url: `${job.server}targets/${path.split("/").map(encodeURIComponent).join("/")}`,
      fileSize: file.size,
      chunks: filePlan.wanted,
      subject: `${manifest.id}@${manifest.version}/${file.name}`,
      ...options.download,
      onChunk: async (chunk, bytes) => {
        await store.chunks.put(chunk.sha256, bytes);
        result.chunks.downloaded++;
      },
      onBytes: (n) => {
        doneBytes += n;
        progress();
      },
    });
    result.bytes.downloaded += stats.receivedBytes;
    addStats(job.download, stats);
  }
}

/** Every version a pointer names, current or previous, of any model: what pruning keeps. */
async function referencedVersions(options: SyncOptions): Promise<Set<string>> {
  const keep = new Set<string>();
  for (const id of await pointedModels(options.store.state)) {
    const pointer = await readPointer(options.store.state, id);
    if (pointer) {
      keep.add(pointer.current.manifest_sha256);
      if (pointer.previous) {
        keep.add(pointer.previous.manifest_sha256);
      }
    }
  }
  return keep;
}
