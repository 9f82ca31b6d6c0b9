/**
 * @module
 * Runs a model's current installed version, fully offline, through the shared engine and task
 * adapters — so `edgefleet device run` answers exactly like `POST /v1/predict`. The startup
 * check is the engine's: every file's size and sha256 against the manifest (whose own bytes
 * must hash to the digest the pointer names) before onnxruntime sees a byte, so a damaged or
 * half-written model is never loaded. If the current version fails that check or cannot be
 * loaded, the previous verified version answers instead, and the answer says so.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DeviceError } from "../../shared/device/device-error.ts";
import type { InstalledVersion, ModelPointer } from "../../shared/device/device-state.ts";
import { ModelEngine } from "../../shared/engine/model-engine.ts";
import { predict } from "../../shared/engine/predict.ts";
import type { OrtRuntime } from "../../shared/engine/ort-runtime.ts";
import { ApiError } from "../../shared/errors.ts";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { PredictResponse } from "../../shared/protocol/predict.ts";
import type { DeviceLayout } from "../fs/layout.ts";
import { readInstalledManifest } from "../fs/version-store.ts";

/** Engine errors that mean "this installed version cannot serve", not "this input is wrong". */
const UNUSABLE = new Set(["model_integrity_failed", "model_unavailable", "model_load_failed"]);

export interface RunOutcome {
  response: PredictResponse;
  served: "current" | "previous";
  /** Why the current version did not answer, when the previous one did. */
  fallbackReason: string | null;
}

export class ModelRunner {
  private readonly layout: DeviceLayout;
  private readonly engine: ModelEngine;
  /** sha256 → path of every file of the versions loaded so far. */
  private readonly paths = new Map<string, string>();

  constructor(layout: DeviceLayout, runtime: OrtRuntime) {
    this.layout = layout;
    this.engine = new ModelEngine({
      runtime,
      blobs: {
        get: async (sha256) => {
          const path = this.paths.get(sha256);
          return path ? new Uint8Array(await readFile(path).catch(() => new Uint8Array(0))) : null;
        },
      },
      // A device runs what it installed; its memory is the operator's call, not a budget.
      budgetBytes: Number.MAX_SAFE_INTEGER,
    });
  }

  async run(pointer: ModelPointer, input: unknown, parameters: unknown): Promise<RunOutcome> {
    try {
      return {
        response: await this.runVersion(pointer.current, input, parameters),
        served: "current",
        fallbackReason: null,
      };
    } catch (error) {
      if (!unusable(error) || !pointer.previous) {
        throw unusable(error) ? asIntegrityError(pointer.current, error) : error;
      }
      const reason = error instanceof Error ? error.message : String(error);
      try {
        const response = await this.runVersion(pointer.previous, input, parameters);
        return { response, served: "previous", fallbackReason: reason };
      } catch (second) {
        throw unusable(second) ? asIntegrityError(pointer.previous, second) : second;
      }
    }
  }

  private async runVersion(version: InstalledVersion, input: unknown, parameters: unknown): Promise<PredictResponse> {
    const manifest: ModelManifest = await readInstalledManifest(this.layout, version.manifest_sha256);
    for (const file of manifest.files) {
      this.paths.set(file.sha256, join(this.layout.version(version.manifest_sha256), file.name));
    }
    const result = await predict(this.engine, manifest, input, parameters);
    return {
      model: manifest.id,
      version: manifest.version,
      output: result.output,
      usage: result.usage,
      provider: result.loaded.provider,
    };
  }
}

function unusable(error: unknown): boolean {
  return (
    (ApiError.is(error) && UNUSABLE.has(error.code)) || (DeviceError.is(error) && error.code === "INTEGRITY_FAILED")
  );
}

function asIntegrityError(version: InstalledVersion, error: unknown): DeviceError {
  if (DeviceError.is(error)) {
    return error;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new DeviceError("INTEGRITY_FAILED", `version ${version.version} cannot run: ${detail}`, { cause: error });
}
