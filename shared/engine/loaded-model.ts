/**
 * @module
 * One model version loaded into one session, with what the engine tracks about it.
 */
import type { ExecutionProvider, ModelManifest } from "../manifest/model-manifest.ts";
import type { InferenceSession, Tensor } from "./ort-runtime.ts";
import { RunQueue } from "./run-queue.ts";

export interface LoadedModelInfo {
  id: string;
  version: string;
  task: string;
  provider: ExecutionProvider;
  runtime: string;
  fallback_reason?: string;
  memory_mb: number;
  load_ms: number;
  runs: number;
  loaded_at: string;
}

/** A use counter, not a clock: two uses in the same millisecond still have an order. */
let uses = 0;
export function nextUse(): number {
  uses += 1;
  return uses;
}

export class LoadedModel {
  readonly manifest: ModelManifest;
  readonly provider: ExecutionProvider;
  readonly runtimeName: string;
  readonly fallbackReason: string | undefined;
  readonly memoryBytes: number;
  readonly loadMs: number;
  readonly loadedAt = new Date();
  /** When this model was last used, on the `nextUse()` scale (least recently used is evicted first). */
  lastUsed = nextUse();
  runs = 0;
  private readonly session: InferenceSession;
  private readonly queue = new RunQueue();
  private readonly files: ReadonlyMap<string, Uint8Array>;
  private readonly memo = new Map<string, unknown>();
  private inFlight = 0;
  private evicted = false;

  constructor(init: {
    manifest: ModelManifest;
    session: InferenceSession;
    provider: ExecutionProvider;
    runtimeName: string;
    fallbackReason?: string;
    memoryBytes: number;
    loadMs: number;
    files: ReadonlyMap<string, Uint8Array>;
  }) {
    this.manifest = init.manifest;
    this.session = init.session;
    this.provider = init.provider;
    this.runtimeName = init.runtimeName;
    this.fallbackReason = init.fallbackReason;
    this.memoryBytes = init.memoryBytes;
    this.loadMs = init.loadMs;
    this.files = init.files;
  }

  /** Runs the session once; calls on one model are queued, never interleaved. */
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    this.lastUsed = nextUse();
    this.inFlight += 1;
    return this.queue
      .enqueue(async () => {
        const out = await this.session.run(feeds);
        this.runs += 1;
        return out as Record<string, Tensor>;
      })
      .finally(() => {
        this.inFlight -= 1;
        if (this.evicted && this.inFlight === 0) {
          void this.release();
        }
      });
  }

  /** An auxiliary file of the model (vocabulary, dictionary), by role. */
  file(role: string): Uint8Array | undefined {
    const entry = this.manifest.files.find((f) => f.role === role);
    return entry ? this.files.get(entry.name) : undefined;
  }

  /** Per-model cache for data derived from its files (a parsed dictionary), built once. */
  memoize<T>(key: string, build: () => T): T {
    if (!this.memo.has(key)) {
      this.memo.set(key, build());
    }
    return this.memo.get(key) as T;
  }

  /** Marks the model evicted; its session is released once no run is in flight. */
  evict(): void {
    this.evicted = true;
    if (this.inFlight === 0) {
      void this.release();
    }
  }

  private async release(): Promise<void> {
    try {
      await this.session.release();
    } catch {
      // A failed release only leaks memory that the isolate's recycling reclaims; nothing to tell the caller.
    }
  }

  info(): LoadedModelInfo {
    const base: LoadedModelInfo = {
      id: this.manifest.id,
      version: this.manifest.version,
      task: this.manifest.task,
      provider: this.provider,
      runtime: this.runtimeName,
      memory_mb: Math.round((this.memoryBytes / 2 ** 20) * 10) / 10,
      load_ms: Math.round(this.loadMs),
      runs: this.runs,
      loaded_at: this.loadedAt.toISOString(),
    };
    return this.fallbackReason === undefined ? base : { ...base, fallback_reason: this.fallbackReason };
  }
}
