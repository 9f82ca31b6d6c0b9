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
import { type ModelPointer, rolledBackPointer, writePointer } from "../shared/device-update/device-state.ts";
import {
  type DeviceRunResult,
  type DeviceStatus,
  type DeviceSyncRequest,
  type DeviceSyncResult,
  requirePointer,
  type ModelStatus,
  runAnswer,
  type SessionContext,
  statusSession,
  syncSession,
} from "../shared/device-update/device-session.ts";
import type { VersionRunner } from "../shared/device-update/version-runner.ts";
import type { Fetch } from "../shared/tuf/download.ts";
import { LockHeldError, withFileLock } from "../adapters/node/file-lock.ts";
import { DeviceError } from "../shared/device-update/device-error.ts";
import { FsDeviceStore } from "./fs/fs-device-store.ts";
import type { FsStepHook } from "../adapters/node/fs-steps.ts";
import { verifyInstalled } from "./fs/version-store.ts";

export type { DeviceRunResult, DeviceStatus, DeviceSyncRequest, DeviceSyncResult, ModelStatus };

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

export class Device {
  readonly dir: string;
  private readonly store: FsDeviceStore;
  private readonly options: DeviceOptions;
  private runner: Promise<VersionRunner> | null = null;
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
    const run = this.queue.then(() =>
      withFileLock(this.store.layout.lock, fn).catch((error: unknown) => {
        if (LockHeldError.is(error)) {
          const who = error.holder ? `(pid ${error.holder.pid} on ${error.holder.host}) ` : "";
          throw new DeviceError(
            "LOCKED",
            `another edgefleet process ${who}is updating this device; try again when it ends`,
            { cause: error },
          );
        }
        throw error;
      }),
    );
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
      return syncSession(this.session(), request);
    });
  }

  private session(): SessionContext {
    return { store: this.store, fetch: this.fetcher(), now: () => this.now() };
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

  private pointer(model: string): Promise<ModelPointer> {
    return requirePointer(this.session(), model, this.dir);
  }

  status(options: { verify?: boolean } = {}): Promise<DeviceStatus> {
    const verify = (digest: string) =>
      verifyInstalled(this.store.layout, digest).then(
        () => true,
        () => false,
      );
    return statusSession(this.session(), this.dir, options.verify ? verify : undefined);
  }

  /** Runs the model's current verified version offline; `input` is `/v1/predict`'s `input`. */
  async run(model: string, input: unknown, parameters?: unknown): Promise<DeviceRunResult> {
    const pointer = await this.pointer(model);
    this.runner ??= Promise.all([
      import("../shared/device-update/version-runner.ts"),
      import("./run/model-runner.ts"),
      import("../adapters/node/ort-node.ts"),
    ]).then(
      ([{ VersionRunner }, { fsInstalledVersions }, { ortNodeRuntime }]) =>
        new VersionRunner(
          fsInstalledVersions(this.store.layout),
          ortNodeRuntime(this.options.threads === undefined ? {} : { threads: this.options.threads }),
        ),
    );
    const outcome = await (await this.runner).run(pointer, input, parameters ?? {});
    return runAnswer(this.session(), pointer, outcome);
  }
}

export function openDevice(options: DeviceOptions): Device {
  return new Device(options);
}
