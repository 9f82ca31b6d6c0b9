/**
 * @module
 * The inference engine: loads model versions from content-addressed storage, verifies every
 * file's sha256 before onnxruntime sees a byte, keeps sessions under a memory budget
 * (least recently used first out), and runs them. The same code serves workerd (ort-web,
 * WASM), browsers (ort-web, WebGPU or WASM) and Node (onnxruntime-node).
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { ApiError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { silentLogger } from "../log.ts";
import { type ModelManifest, modelFile, versionLabel } from "../manifest/model-manifest.ts";
import type { BlobStore } from "../ports/blob-store.ts";
import { LoadedModel, type LoadedModelInfo, nextUse } from "./loaded-model.ts";
import { estimateSessionBytes } from "./memory-estimate.ts";
import type { OrtRuntime } from "./ort-runtime.ts";
import { createSessionWithFallback } from "./provider-select.ts";

export interface ModelEngineOptions {
  runtime: OrtRuntime;
  blobs: Pick<BlobStore, "get">;
  /** Sum of session estimates allowed at once; older sessions are released to make room. */
  budgetBytes: number;
  log?: Logger;
}

export class ModelEngine {
  readonly runtime: OrtRuntime;
  private readonly blobs: Pick<BlobStore, "get">;
  private readonly budgetBytes: number;
  private readonly log: Logger;
  private readonly models = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<LoadedModel>>();

  constructor(options: ModelEngineOptions) {
    this.runtime = options.runtime;
    this.blobs = options.blobs;
    this.budgetBytes = options.budgetBytes;
    this.log = options.log ?? silentLogger;
  }

  /** The loaded session of this exact version, loading it first if needed (concurrent callers share one load). */
  async acquire(manifest: ModelManifest): Promise<LoadedModel> {
    const key = engineKey(manifest);
    const ready = this.models.get(key);
    if (ready) {
      ready.lastUsed = nextUse();
      return ready;
    }
    const pending = this.loading.get(key);
    if (pending) {
      return pending;
    }
    const load = this.load(manifest).finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  /** True when this exact version has a live session. */
  isLoaded(manifest: ModelManifest): boolean {
    return this.models.has(engineKey(manifest));
  }

  loaded(): LoadedModelInfo[] {
    return [...this.models.values()].map((m) => m.info());
  }

  /** Releases every session of a model id except the given version (after a cutover). */
  unloadOtherVersions(manifest: ModelManifest): void {
    for (const [key, model] of this.models) {
      if (model.manifest.id === manifest.id && key !== engineKey(manifest)) {
        this.models.delete(key);
        model.evict();
      }
    }
  }

  private async load(manifest: ModelManifest): Promise<LoadedModel> {
    const started = performance.now();
    const need = estimateSessionBytes(manifest);
    if (need > this.budgetBytes) {
      throw new ApiError(
        503,
        "model_too_large",
        `Model ${versionLabel(manifest)} needs about ${mb(need)} MB, more than this node's budget of ${mb(this.budgetBytes)} MB.`,
      );
    }
    const files = await this.fetchVerified(manifest);
    const model = files.get(modelFile(manifest).name);
    if (!model) {
      throw new Error("verified files lack the model file");
    }
    this.makeRoom(need);
    const choice = await createSessionWithFallback(
      this.runtime,
      model,
      manifest.runtime.execution_providers,
      manifest.runtime.session_config,
    ).catch((error: unknown) => {
      throw new ApiError(503, "model_load_failed", `Model ${versionLabel(manifest)} could not be loaded.`, {
        cause: error,
      });
    });
    // The ONNX bytes now live inside the session; keep only the small auxiliary files.
    files.delete(modelFile(manifest).name);
    const loaded = new LoadedModel({
      manifest,
      session: choice.session,
      provider: choice.provider,
      runtimeName: this.runtime.name,
      ...(choice.fallbackReason === undefined ? {} : { fallbackReason: choice.fallbackReason }),
      memoryBytes: need,
      loadMs: performance.now() - started,
      files,
    });
    this.models.set(engineKey(manifest), loaded);
    this.log.log("info", "model.loaded", {
      model: manifest.id,
      version: manifest.version,
      provider: choice.provider,
      runtime: this.runtime.name,
      load_ms: Math.round(loaded.loadMs),
      memory_mb: mb(need),
      ...(choice.fallbackReason === undefined ? {} : { fallback_reason: choice.fallbackReason }),
    });
    return loaded;
  }

  /** Fetches every file of the manifest and checks size and sha256 before anything parses it. */
  private async fetchVerified(manifest: ModelManifest): Promise<Map<string, Uint8Array>> {
    const files = new Map<string, Uint8Array>();
    for (const file of manifest.files) {
      const bytes = await this.blobs.get(file.sha256);
      if (!bytes) {
        throw new ApiError(
          503,
          "model_unavailable",
          `Model ${versionLabel(manifest)} is not in this node's store yet.`,
          {
            retryAfter: 5,
          },
        );
      }
      if (bytes.byteLength !== file.size || (await sha256Hex(bytes)) !== file.sha256) {
        this.log.log("error", "model.integrity_failed", {
          model: manifest.id,
          version: manifest.version,
          file: file.name,
        });
        throw new ApiError(
          503,
          "model_integrity_failed",
          `Model ${versionLabel(manifest)} failed its integrity check.`,
          {
            retryAfter: 5,
          },
        );
      }
      files.set(file.name, bytes);
    }
    return files;
  }

  /** Evicts least-recently-used sessions until `need` more bytes fit in the budget. */
  private makeRoom(need: number): void {
    let used = [...this.models.values()].reduce((sum, m) => sum + m.memoryBytes, 0);
    const byAge = [...this.models.entries()].toSorted((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, model] of byAge) {
      if (used + need <= this.budgetBytes) {
        break;
      }
      this.models.delete(key);
      model.evict();
      used -= model.memoryBytes;
      this.log.log("info", "model.evicted", { model: model.manifest.id, version: model.manifest.version });
    }
  }
}

/** One session per exact content: a re-published version with other bytes is a different session. */
function engineKey(manifest: ModelManifest): string {
  return `${manifest.id}@${manifest.version}#${modelFile(manifest).sha256}`;
}

function mb(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
