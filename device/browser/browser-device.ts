/**
 * @module
 * The browser device: the same signed-update client as the Node device (`device/device.ts`),
 * over the same shared core — TUF metadata verified with WebCrypto Ed25519, no rollback, expiry
 * judged by the latest trusted time, only missing chunks fetched by resumable ranges, every
 * chunk's sha256 checked, N-1 kept — with the chunks and versions in the origin private file
 * system, and models run by onnxruntime-web on WebGPU (WASM when there is no adapter, the
 * manifest does not allow it, or the WebGPU session fails; the answer says which).
 *
 * ```ts
 * const device = openBrowserDevice({ wasmBase: "/device/ort/" });
 * await device.sync({ server: "https://cp.example/registry", models: ["use-lite"] });
 * const answer = await device.run("use-lite", { text: "hello" }); // offline from here on
 * ```
 *
 * Writers (sync, rollback) hold a Web Lock, so two tabs of one origin never sync at once.
 */
import {
  type DeviceRunResult,
  type DeviceStatus,
  type DeviceSyncRequest,
  type DeviceSyncResult,
  requirePointer,
  runAnswer,
  type SessionContext,
  statusSession,
  syncSession,
} from "../../shared/device-update/device-session.ts";
import { type ModelPointer, rolledBackPointer, writePointer } from "../../shared/device-update/device-state.ts";
import { VersionRunner } from "../../shared/device-update/version-runner.ts";
import type { LoadedModelInfo } from "../../shared/engine/loaded-model.ts";
import type { WebProviders } from "../../shared/engine/web-providers.ts";
import type { Logger } from "../../shared/log.ts";
import type { ExecutionProvider } from "../../shared/manifest/model-manifest.ts";
import type { Fetch } from "../../shared/tuf/download.ts";
import { DeviceMetrics } from "./device-metrics.ts";
import { OpfsDeviceStore } from "./opfs-device-store.ts";
import { browserRuntime, type BrowserRuntime } from "../../adapters/browser/ort-browser.ts";

export interface BrowserDeviceOptions {
  /** URL of the onnxruntime-web wasm files (same origin, so the service worker can keep them offline). */
  wasmBase: string;
  /** The folder in the origin private file system (default `edgefleet-device`). */
  name?: string;
  fetch?: Fetch;
  now?: () => Date;
  /** Restrict the execution providers (e.g. `["wasm"]`); default: WebGPU when there is an adapter, then WASM. */
  only?: readonly ExecutionProvider[];
  log?: Logger;
}

/** A run's answer with the device's runtime facts: which provider ran, on which adapter, how long it took. */
export interface BrowserRunResult extends DeviceRunResult {
  runtime: {
    name: string;
    /** The WebGPU adapter, when this run was on WebGPU. */
    adapter: string | null;
    /** Why this run is not on WebGPU: no adapter, the model's manifest, or the WebGPU session failed. */
    why_not_webgpu: string | null;
  };
  ms: number;
}

export class BrowserDevice {
  readonly name: string;
  readonly store: OpfsDeviceStore;
  readonly metrics = new DeviceMetrics();
  private readonly options: BrowserDeviceOptions;
  private readonly runtime: BrowserRuntime;
  private runner: VersionRunner | null = null;

  constructor(options: BrowserDeviceOptions) {
    this.options = options;
    this.name = options.name ?? "edgefleet-device";
    this.store = new OpfsDeviceStore(this.name);
    this.runtime = browserRuntime({ wasmBase: options.wasmBase, ...(options.only ? { only: options.only } : {}) });
  }

  private session(): SessionContext {
    return {
      store: this.store,
      // `no-store`: the browser's HTTP cache must not keep registry answers. A tampered chunk
      // served once would otherwise be served again from the cache after the mirror is honest
      // (measured: the retry failed with the same hash mismatch); the device's verified store is its cache.
      fetch: this.options.fetch ?? ((input, init) => fetch(input, { ...init, cache: "no-store" })),
      now: this.options.now ?? (() => new Date()),
    };
  }

  /** One writer per device folder across every tab of the origin (Web Locks). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return navigator.locks.request(`edgefleet-device:${this.name}`, fn);
  }

  /**
   * Pulls signed updates: throws a `TufError` (ROLLBACK, EXPIRED, BAD_SIGNATURE, …) when the
   * metadata is refused; per-model failures (a tampered chunk: CHUNK_HASH_MISMATCH) are in
   * the result. Either way the version that ran before keeps running.
   */
  sync(request: DeviceSyncRequest): Promise<DeviceSyncResult> {
    return this.exclusive(async () => {
      await this.store.recover();
      return syncSession(this.session(), request);
    });
  }

  rollback(model: string): Promise<ModelPointer> {
    return this.exclusive(async () => {
      const next = rolledBackPointer(await this.pointer(model));
      if (next.previous) {
        await this.store.verify(next.current.manifest_sha256);
      }
      await writePointer(this.store.state, next);
      return next;
    });
  }

  private pointer(model: string): Promise<ModelPointer> {
    return requirePointer(this.session(), model, `browser storage "${this.name}"`);
  }

  status(options: { verify?: boolean } = {}): Promise<DeviceStatus> {
    const verify = (digest: string) =>
      this.store.verify(digest).then(
        () => true,
        () => false,
      );
    return statusSession(this.session(), `browser storage "${this.name}"`, options.verify ? verify : undefined);
  }

  /** True when the model has a verified version on this device (it can answer offline). */
  async has(model: string): Promise<boolean> {
    return this.pointer(model).then(
      () => true,
      () => false,
    );
  }

  /** Runs the model's current verified version locally; `input` is `/v1/predict`'s `input`. */
  async run(model: string, input: unknown, parameters?: unknown): Promise<BrowserRunResult> {
    const pointer = await this.pointer(model);
    this.runner ??= new VersionRunner(this.store, this.runtime, this.options.log);
    const started = performance.now();
    const outcome = await this.runner.run(pointer, input, parameters ?? {});
    const ms = performance.now() - started;
    const answer = await runAnswer(this.session(), pointer, outcome);
    this.metrics.record(answer.model, answer.provider, ms);
    const detected = await this.runtime.detected();
    return {
      ...answer,
      runtime: {
        name: this.runtime.name,
        adapter: answer.provider === "webgpu" ? (detected.adapter ?? null) : null,
        why_not_webgpu: answer.provider === "webgpu" ? null : await this.whyNotWebgpu(answer, detected),
      },
      ms,
    };
  }

  private async whyNotWebgpu(answer: DeviceRunResult, detected: WebProviders): Promise<string> {
    const loaded = this.loaded().find((m) => m.id === answer.model && m.version === answer.version);
    if (loaded?.fallback_reason) {
      return loaded.fallback_reason;
    }
    if (detected.reason) {
      return detected.reason;
    }
    if (this.options.only && !this.options.only.includes("webgpu")) {
      return `this device was opened with providers ${this.options.only.join(", ")}`;
    }
    const allowed = loaded ? (await this.manifestOf(answer))?.runtime.execution_providers : undefined;
    return allowed && !allowed.includes("webgpu")
      ? `the model's manifest allows only ${allowed.join(", ")}`
      : "webgpu was not used";
  }

  private async manifestOf(answer: DeviceRunResult) {
    const pointer = await this.pointer(answer.model);
    const version = [pointer.current, pointer.previous].find((v) => v?.version === answer.version);
    return version ? this.store.manifest(version.manifest_sha256).catch(() => null) : null;
  }

  /** The sessions loaded on this device, as `/v1/models` shows them (provider, fallback reason). */
  loaded(): LoadedModelInfo[] {
    return this.runner?.engine.loaded() ?? [];
  }

  /** What this browser offers: the providers, the WebGPU adapter's name, or why there is none. */
  providers(): Promise<WebProviders> {
    return this.runtime.detected();
  }
}

export function openBrowserDevice(options: BrowserDeviceOptions): BrowserDevice {
  return new BrowserDevice(options);
}
