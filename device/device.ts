/**
 * @module
 * The device client's library API, for apps that embed it (the `edgefleet device` commands
 * are a thin layer over it):
 *
 * ```ts
 * const device = openDevice({ dir: "/var/lib/app/models" });
 * await device.sync({ server: "https://registry.example", models: ["ppocr-rec"] }); // online
 * const answer = await device.run("ppocr-rec", { image: base64Png });             // offline
 * await device.rollback("ppocr-rec");
 * const status = await device.status();
 * ```
 *
 * `sync` and `rollback` hold the directory's lock; `run` only reads (pointers are replaced
 * atomically, installed versions never change), so it works while a sync is in progress.
 */
import { channelResolver, type ChannelResolver } from "../shared/device/channel.ts";
import { DeviceError } from "../shared/device/device-error.ts";
import {
  CONFIG_FILE,
  DeviceConfigSchema,
  type InstalledVersion,
  LAST_SYNC_FILE,
  type ModelPointer,
  pointedModels,
  readPointer,
  readState,
  rolledBackPointer,
  SyncRecordSchema,
  type SyncRecord,
  writePointer,
  writeState,
} from "../shared/device/device-state.ts";
import type { SyncOptions, SyncReport } from "../shared/device/updater.ts";
import { syncDevice } from "../shared/device/updater.ts";
import { type TrustStatus, trustStatus } from "../shared/device/trust-status.ts";
import type { PredictResponse } from "../shared/protocol/predict.ts";
import { TufClient } from "../shared/tuf/client.ts";
import { type Fetch, fetchCapped } from "../shared/tuf/download.ts";
import { TufError } from "../shared/tuf/errors.ts";
import { blockDeltaRefiner } from "../shared/device/block-delta.ts";
import { withDirLock } from "./fs/dir-lock.ts";
import { FsDeviceStore } from "./fs/fs-device-store.ts";
import type { FsStepHook } from "./fs/fs-steps.ts";
import { verifyInstalled } from "./fs/version-store.ts";
import type { ModelRunner } from "./run/model-runner.ts";

export interface DeviceOptions {
  /** The device directory (created on first sync). */
  dir: string;
  fetch?: Fetch;
  /** The device clock (tests move it). */
  now?: () => Date;
  /** Sees every filesystem step of sync and rollback, in order (the crash tests kill the process here). */
  onFsStep?: FsStepHook;
  /** onnxruntime intra-op threads for `run` (default: onnxruntime's). */
  threads?: number;
}

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

export interface ModelStatus {
  model: string;
  current: InstalledVersion;
  previous: InstalledVersion | null;
  rolledBackFrom: { version: string; manifest_sha256: string } | null;
  /** With `verify`: every file of current (and previous) hashed again just now. */
  verified?: { current: boolean; previous: boolean | null };
}

export interface DeviceStatus {
  dir: string;
  server: string | null;
  channel: string | null;
  metadata: TrustStatus;
  lastSync: SyncRecord | null;
  models: ModelStatus[];
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

export class Device {
  readonly dir: string;
  private readonly store: FsDeviceStore;
  private readonly options: DeviceOptions;
  private runner: Promise<ModelRunner> | null = null;
  /** Serializes this object's writers; the lock file keeps other processes out. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: DeviceOptions) {
    this.options = options;
    this.dir = options.dir;
    this.store = new FsDeviceStore(options.dir, options.onFsStep ? { onFsStep: options.onFsStep } : {});
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private fetcher(): Fetch {
    return this.options.fetch ?? ((input, init) => fetch(input, init));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => withDirLock(this.store.layout.lock, fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Pulls signed updates. Throws a `TufError` (with the shared codes: ROLLBACK, EXPIRED, …)
   * when the metadata is refused; nothing installed changes then. Per-model failures (a cut
   * that never resumed, a tampered chunk) are in the result, with `ok: false`.
   */
  sync(request: DeviceSyncRequest = {}): Promise<DeviceSyncResult> {
    return this.exclusive(async () => {
      await this.store.recover();
      const config = await readState(this.store.state, CONFIG_FILE, DeviceConfigSchema);
      const server = request.server ?? config?.server;
      if (!server) {
        throw new DeviceError("BAD_REQUEST", "this device has never synced: give the registry's URL (--server)");
      }
      const channel = request.channel ?? config?.channel ?? "latest";
      const resolver = request.resolver ?? channelResolver(channel);
      try {
        const trust = await this.ensureRoot(server, request.trustedRoot);
        const report = await syncDevice({
          server,
          store: this.store,
          channel: resolver,
          fetch: this.fetcher(),
          now: () => this.now(),
          ...(request.models ? { models: request.models } : {}),
          ...(request.onProgress ? { onProgress: request.onProgress } : {}),
          ...(request.download ? { download: request.download } : {}),
          ...(request.blockDelta === false ? {} : { refine: blockDeltaRefiner() }),
        });
        if (config?.server !== server || config.channel !== channel) {
          await writeState(this.store.state, CONFIG_FILE, DeviceConfigSchema, {
            schema: "edgefleet.device-config/v1",
            server,
            channel,
          });
        }
        const failed = report.models.find((m) => m.error);
        await this.recordSync(failed?.error ?? null);
        return { ...report, server, channel, trust };
      } catch (error) {
        if (TufError.is(error) || DeviceError.is(error)) {
          await this.recordSync({ code: error.code, message: error.message });
        }
        throw error;
      }
    });
  }

  private async recordSync(error: { code: string; message: string } | null): Promise<void> {
    await writeState(this.store.state, LAST_SYNC_FILE, SyncRecordSchema, {
      at: this.now().toISOString(),
      ok: error === null,
      error,
    });
  }

  /** Installs the trust anchor on the first sync: the given root, or the server's first root. */
  private async ensureRoot(server: string, given: Uint8Array | undefined): Promise<DeviceSyncResult["trust"]> {
    if (await this.store.trust.get("root.json")) {
      return "existing";
    }
    let root = given;
    if (!root) {
      const url = `${server.endsWith("/") ? server : `${server}/`}metadata/1.root.json`;
      root = (await fetchCapped(this.fetcher(), url, 512_000, "root")) ?? undefined;
      if (!root) {
        throw new TufError("DOWNLOAD_FAILED", "root", `${url} is missing: is this an edgefleet registry?`);
      }
    }
    await TufClient.trust(this.store.trust, root);
    return given ? "given" : "first-use";
  }

  /** Makes N-1 current again (and current N-1, so a second rollback goes forward). */
  rollback(model: string): Promise<ModelPointer> {
    return this.exclusive(async () => {
      await this.store.recover();
      const pointer = await this.pointer(model);
      const next = rolledBackPointer(pointer);
      if (next.previous) {
        // Roll back only onto a version whose files still verify.
        await verifyInstalled(this.store.layout, next.current.manifest_sha256);
      }
      await writePointer(this.store.state, next);
      return next;
    });
  }

  private async pointer(model: string): Promise<ModelPointer> {
    const pointer = await readPointer(this.store.state, model);
    if (!pointer) {
      const synced = (await trustStatus(this.store.trust, this.now())).synced;
      throw new DeviceError(
        "NEVER_SYNCED",
        synced
          ? `${model} has never been installed on this device (${this.dir}); sync it while online (edgefleet device sync --model ${model})`
          : `this device (${this.dir}) has never synced; connect it and run edgefleet device sync --server <url> --model ${model}`,
      );
    }
    return pointer;
  }

  async status(options: { verify?: boolean } = {}): Promise<DeviceStatus> {
    const config = await readState(this.store.state, CONFIG_FILE, DeviceConfigSchema);
    const models: ModelStatus[] = [];
    for (const id of await pointedModels(this.store.state)) {
      const pointer = await readPointer(this.store.state, id);
      if (!pointer) {
        continue;
      }
      const entry: ModelStatus = {
        model: id,
        current: pointer.current,
        previous: pointer.previous,
        rolledBackFrom: pointer.rolled_back_from,
      };
      if (options.verify) {
        const ok = (v: InstalledVersion) =>
          verifyInstalled(this.store.layout, v.manifest_sha256).then(
            () => true,
            () => false,
          );
        entry.verified = {
          current: await ok(pointer.current),
          previous: pointer.previous ? await ok(pointer.previous) : null,
        };
      }
      models.push(entry);
    }
    return {
      dir: this.dir,
      server: config?.server ?? null,
      channel: config?.channel ?? null,
      metadata: await trustStatus(this.store.trust, this.now()),
      lastSync: await readState(this.store.state, LAST_SYNC_FILE, SyncRecordSchema),
      models,
    };
  }

  /** Runs the model's current verified version offline; `input` is `/v1/predict`'s `input`. */
  async run(model: string, input: unknown, parameters?: unknown): Promise<DeviceRunResult> {
    const pointer = await this.pointer(model);
    this.runner ??= Promise.all([import("./run/model-runner.ts"), import("./run/ort-node.ts")]).then(
      ([{ ModelRunner }, { deviceRuntime }]) =>
        new ModelRunner(
          this.store.layout,
          deviceRuntime(this.options.threads === undefined ? {} : { threads: this.options.threads }),
        ),
    );
    const outcome = await (await this.runner).run(pointer, input, parameters ?? {});
    const trust = await trustStatus(this.store.trust, this.now());
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
}

export function openDevice(options: DeviceOptions): Device {
  return new Device(options);
}
