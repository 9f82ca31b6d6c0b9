/**
 * @module
 * The edge's sketch keeper: per model version and time window one LiveSketch, fed from the answer
 * path and drained into the PoP's sync report. Only versions whose manifest carries a reference
 * profile are sketched. Bounded: at most `maxSketches` open sketches; the oldest window is dropped
 * first (counted in `dropped`), so a PoP that cannot reach the control plane keeps flat memory.
 */
import type { ModelManifest } from "../manifest/model-manifest.ts";
import { observationsOf } from "./observe.ts";
import type { SketchReport } from "./sketch.ts";
import { LiveSketch } from "./sketch.ts";

interface Open {
  model: string;
  version: string;
  windowStart: number;
  sketch: LiveSketch;
}

export class SketchRecorder {
  private readonly open = new Map<string, Open>();
  dropped = 0;

  private readonly windowMs: number;
  private readonly maxSketches: number;
  private readonly now: () => number;

  constructor(options: { windowMs?: number; maxSketches?: number; now?: () => number } = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxSketches = options.maxSketches ?? 256;
    this.now = options.now ?? Date.now;
  }

  /** One answered request; a few hundred nanoseconds per observation (bench monitoring). */
  record(manifest: ModelManifest, input: unknown, output: unknown): void {
    const profile = manifest.monitoring?.profile;
    if (!profile) {
      return;
    }
    const windowStart = Math.floor(this.now() / this.windowMs) * this.windowMs;
    const key = `${manifest.id}@${manifest.version}@${windowStart}`;
    let entry = this.open.get(key);
    if (!entry) {
      if (this.open.size >= this.maxSketches) {
        const oldest = this.open.keys().next().value;
        if (oldest !== undefined) {
          this.open.delete(oldest);
          this.dropped++;
        }
      }
      entry = { model: manifest.id, version: manifest.version, windowStart, sketch: new LiveSketch(profile) };
      this.open.set(key, entry);
    }
    for (const o of observationsOf(manifest.task, input, output, profile)) {
      entry.sketch.observe(o);
    }
  }

  /** Hands over every closed window (and, with `all`, the open one too) and forgets them. */
  drain(all = false): SketchReport[] {
    const current = Math.floor(this.now() / this.windowMs) * this.windowMs;
    const out: SketchReport[] = [];
    for (const [key, e] of this.open) {
      if (all || e.windowStart < current) {
        out.push(e.sketch.report(e.model, e.version, e.windowStart, this.windowMs));
        this.open.delete(key);
      }
    }
    return out;
  }
}
