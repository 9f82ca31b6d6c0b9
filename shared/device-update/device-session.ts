/**
 * @module
 * The device's sync and run bookkeeping, the same on every platform (the Node client in
 * `device/device.ts` and the browser device in `device/browser/` both call it): the registry
 * URL and channel remembered from the first sync, the trust anchor installed on first use,
 * the updater run, the outcome recorded; and a run's answer with what the device knows about
 * the version that answered. Locking and recovery of interrupted writes stay with the caller:
 * they are what differs (a lock file on Node, Web Locks in a browser).
 */
import type { PredictResponse } from "../protocol/predict.ts";
import { TufClient } from "../tuf/client.ts";
import { type Fetch, fetchCapped } from "../tuf/download.ts";
import { TufError } from "../tuf/errors.ts";
import { blockDeltaRefiner } from "./block-delta.ts";
import { channelResolver, type ChannelResolver } from "./channel.ts";
import { DeviceError } from "./device-error.ts";
import {
  CONFIG_FILE,
  DeviceConfigSchema,
  type InstalledVersion,
  LAST_SYNC_FILE,
  type ModelPointer,
  pointedModels,
  readPointer,
  readState,
  type SyncRecord,
  SyncRecordSchema,
  writeState,
} from "./device-state.ts";
import type { DeviceStore } from "./device-store.ts";
import { type TrustStatus, trustStatus } from "./trust-status.ts";
import { type SyncOptions, type SyncReport, syncDevice } from "./updater.ts";
import type { RunOutcome } from "./version-runner.ts";

export interface DeviceSyncRequest {
  /** The registry's base URL; needed on the first sync, remembered after. */
  server?: string;
  /** Channel name (`latest`, `beta`, …); remembered. Default `latest`. */
  channel?: string;
  /** A custom version choice instead of a named channel. */
  resolver?: ChannelResolver;
  /** Models to sync; default: those on the device. */
  models?: string[];
  /** Root metadata to trust on the first sync; without it the server's `1.root.json` is trusted on first use. */
  trustedRoot?: Uint8Array;
  onProgress?: SyncOptions["onProgress"];
  download?: SyncOptions["download"];
  /** Fetch only the changed blocks of changed chunks (default true; needs the registry's block hints). */
  blockDelta?: boolean;
}

export interface DeviceSyncResult extends SyncReport {
  server: string;
  channel: string;
  /** How the device came to trust the registry's root on this sync. */
  trust: "existing" | "given" | "first-use";
}

export interface DeviceRunResult extends PredictResponse {
  device: {
    served: "current" | "previous";
    fallback_reason: string | null;
    verified_at: string;
    metadata_expires: string | null;
    /** True when the device runs on expired metadata (offline too long): the model is its last verified one. */
    metadata_expired: boolean;
  };
}

export interface ModelStatus {
  model: string;
  current: InstalledVersion;
  previous: InstalledVersion | null;
  rolledBackFrom: { version: string; manifest_sha256: string } | null;
  /** With `verify`: every file of current (and previous) hashed again just now. */
  verified?: { current: boolean; previous: boolean | null };
}

export interface DeviceStatus {
  /** Where the device keeps its state (a directory, or the browser's origin-private storage). */
  dir: string;
  server: string | null;
  channel: string | null;
  metadata: TrustStatus;
  lastSync: SyncRecord | null;
  models: ModelStatus[];
}

export interface SessionContext {
  store: DeviceStore;
  fetch: Fetch;
  now: () => Date;
}

/**
 * Pulls signed updates. Throws a `TufError` (ROLLBACK, EXPIRED, …) when the metadata is
 * refused; nothing installed changes then. Per-model failures are in the result.
 */
export async function syncSession(ctx: SessionContext, request: DeviceSyncRequest): Promise<DeviceSyncResult> {
  const { store } = ctx;
  const config = await readState(store.state, CONFIG_FILE, DeviceConfigSchema);
  const server = request.server ?? config?.server;
  if (!server) {
    throw new DeviceError("BAD_REQUEST", "this device has never synced: give the registry's URL (--server)");
  }
  const channel = request.channel ?? config?.channel ?? "latest";
  const resolver = request.resolver ?? channelResolver(channel);
  try {
    const trust = await ensureRoot(ctx, server, request.trustedRoot);
    const report = await syncDevice({
      server,
      store,
      channel: resolver,
      fetch: ctx.fetch,
      now: ctx.now,
      ...(request.models ? { models: request.models } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.download ? { download: request.download } : {}),
      ...(request.blockDelta === false ? {} : { refine: blockDeltaRefiner() }),
    });
    if (config?.server !== server || config.channel !== channel) {
      await writeState(store.state, CONFIG_FILE, DeviceConfigSchema, {
        schema: "edgefleet.device-config/v1",
        server,
        channel,
      });
    }
    const failed = report.models.find((m) => m.error);
    await recordSync(ctx, failed?.error ?? null);
    return { ...report, server, channel, trust };
  } catch (error) {
    if (TufError.is(error) || DeviceError.is(error)) {
      await recordSync(ctx, { code: error.code, message: error.message });
    }
    throw error;
  }
}

async function recordSync(ctx: SessionContext, error: { code: string; message: string } | null): Promise<void> {
  await writeState(ctx.store.state, LAST_SYNC_FILE, SyncRecordSchema, {
    at: ctx.now().toISOString(),
    ok: error === null,
    error,
  });
}

/** Installs the trust anchor on the first sync: the given root, or the server's first root. */
async function ensureRoot(
  ctx: SessionContext,
  server: string,
  given: Uint8Array | undefined,
): Promise<DeviceSyncResult["trust"]> {
  if (await ctx.store.trust.get("root.json")) {
    return "existing";
  }
  let root = given;
  if (!root) {
    const url = `${server.endsWith("/") ? server : `${server}/`}metadata/1.root.json`;
    root = (await fetchCapped(ctx.fetch, url, 512_000, "root")) ?? undefined;
    if (!root) {
      throw new TufError("DOWNLOAD_FAILED", "root", `${url} is missing: is this an edgefleet registry?`);
    }
  }
  await TufClient.trust(ctx.store.trust, root);
  return given ? "given" : "first-use";
}

/** The model's pointer; NEVER_SYNCED (with what to do, `where` naming the device) when there is none. */
export async function requirePointer(ctx: SessionContext, model: string, where: string): Promise<ModelPointer> {
  const pointer = await readPointer(ctx.store.state, model);
  if (!pointer) {
    const synced = (await trustStatus(ctx.store.trust, ctx.now())).synced;
    throw new DeviceError(
      "NEVER_SYNCED",
      synced
        ? `${model} has never been installed on this device (${where}); sync it while online (edgefleet device sync --model ${model})`
        : `this device (${where}) has never synced; connect it and run edgefleet device sync --server <url> --model ${model}`,
    );
  }
  return pointer;
}

/** A run's answer: the prediction plus which installed version answered and how fresh its metadata is. */
export async function runAnswer(
  ctx: SessionContext,
  pointer: ModelPointer,
  outcome: RunOutcome,
): Promise<DeviceRunResult> {
  const trust = await trustStatus(ctx.store.trust, ctx.now());
  const served = outcome.served === "current" ? pointer.current : (pointer.previous ?? pointer.current);
  return {
    ...outcome.response,
    device: {
      served: outcome.served,
      fallback_reason: outcome.fallbackReason,
      verified_at: served.verified_at,
      metadata_expires: trust.expires,
      metadata_expired: trust.expired,
    },
  };
}

/** What the device holds and how fresh its metadata is; with `verify`, every installed file hashed again. */
export async function statusSession(
  ctx: SessionContext,
  where: string,
  verify?: (digest: string) => Promise<boolean>,
): Promise<DeviceStatus> {
  const { store } = ctx;
  const config = await readState(store.state, CONFIG_FILE, DeviceConfigSchema);
  const models: ModelStatus[] = [];
  for (const id of await pointedModels(store.state)) {
    const pointer = await readPointer(store.state, id);
    if (!pointer) {
      continue;
    }
    const entry: ModelStatus = {
      model: id,
      current: pointer.current,
      previous: pointer.previous,
      rolledBackFrom: pointer.rolled_back_from,
    };
    if (verify) {
      entry.verified = {
        current: await verify(pointer.current.manifest_sha256),
        previous: pointer.previous ? await verify(pointer.previous.manifest_sha256) : null,
      };
    }
    models.push(entry);
  }
  return {
    dir: where,
    server: config?.server ?? null,
    channel: config?.channel ?? null,
    metadata: await trustStatus(store.trust, ctx.now()),
    lastSync: await readState(store.state, LAST_SYNC_FILE, SyncRecordSchema),
    models,
  };
}
