/**
 * @module
 * Runs a model's current installed version, fully offline, through the shared engine and task
 * adapters — so a device answers exactly like `POST /v1/predict`. The startup check is the
 * engine's: every file's size and sha256 against the manifest (whose own bytes must hash to the
 * digest the pointer names) before onnxruntime sees a byte, so a damaged or half-written model
 * is never loaded. If the current version fails that check or cannot be loaded, the previous
 * verified version answers instead, and the answer says so. Where the files lie is the
 * platform's business (`InstalledVersions`: a directory on Node, OPFS in a browser).
 */
import { ModelEngine } from "../engine/model-engine.ts";
import type { OrtRuntime } from "../engine/ort-runtime.ts";
import { predict } from "../engine/predict.ts";
import { ApiError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ModelManifest } from "../manifest/model-manifest.ts";
import type { PredictResponse } from "../protocol/predict.ts";
import { DeviceError } from "./device-error.ts";
import type { InstalledVersion, ModelPointer } from "./device-state.ts";

/** Engine errors that mean "this installed version cannot serve", not "this input is wrong". */
const UNUSABLE = new Set(["model_integrity_failed", "model_unavailable", "model_load_failed"]);

/** Read access to the installed versions. */
export interface InstalledVersions {
  /** The signed manifest of version `digest`, after checking its bytes hash to `digest` (INTEGRITY_FAILED otherwise). */
  manifest(digest: string): Promise<ModelManifest>;
  /** One file of version `digest` as stored (unverified: the engine checks it), null when missing. */
  file(digest: string, name: string): Promise<Uint8Array | null>;
}

export interface RunOutcome {
  response: PredictResponse;
  served: "current" | "previous";
  /** Why the current version did not answer, when the previous one did. */
  fallbackReason: string | null;
}

export class VersionRunner {
  readonly engine: ModelEngine;
  private readonly versions: InstalledVersions;
  /** sha256 → where that file of a loaded version lies. */
  private readonly located = new Map<string, { digest: string; name: string }>();

  constructor(versions: InstalledVersions, runtime: OrtRuntime, log?: Logger) {
    this.versions = versions;
    this.engine = new ModelEngine({
      runtime,
      blobs: {
        get: async (sha256) => {
          const at = this.located.get(sha256);
          return at ? ((await this.versions.file(at.digest, at.name)) ?? new Uint8Array(0)) : null;
        },
      },
      // A device runs what it installed; its memory is the operator's call, not a budget.
      budgetBytes: Number.MAX_SAFE_INTEGER,
      ...(log ? { log } : {}),
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
    const manifest = await this.versions.manifest(version.manifest_sha256);
    for (const file of manifest.files) {
      this.located.set(file.sha256, { digest: version.manifest_sha256, name: file.name });
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
