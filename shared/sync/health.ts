/**
 * @module
 * Per model version request counts, errors and latency at one PoP, for the health gate. The
 * latencies are a bounded window of the most recent requests, so memory stays flat however
 * long a version serves.
 */
import { SampleWindow } from "../stats/sample-window.ts";
import type { VersionHealth } from "./protocol.ts";

const WINDOW = 512;

interface Tally {
  requests: number;
  errors: number;
  latencies: SampleWindow;
}

export class HealthRecorder {
  private readonly tallies = new Map<string, Tally>();

  record(model: string, version: string, ok: boolean, ms: number): void {
    const key = `${model}@${version}`;
    let t = this.tallies.get(key);
    if (!t) {
      t = { requests: 0, errors: 0, latencies: new SampleWindow(WINDOW) };
      this.tallies.set(key, t);
    }
    t.requests++;
    if (!ok) {
      t.errors++;
    }
    t.latencies.add(ms);
  }

  /**
   * An outcome learnt after the answer (feedback that a cache scorer's semantic hit was wrong):
   * one more error on a request already counted, so the gate's error rate sees it.
   */
  markError(model: string, version: string): void {
    const t = this.tallies.get(`${model}@${version}`);
    if (t && t.errors < t.requests) {
      t.errors++;
    }
  }

  /** Starts a version's tally afresh (it has just taken traffic here). */
  reset(model: string, version: string): void {
    this.tallies.delete(`${model}@${version}`);
  }

  /** Health of every version of `model` seen since this isolate started. */
  of(model: string): VersionHealth[] {
    const out: VersionHealth[] = [];
    for (const [key, t] of this.tallies) {
      const at = key.lastIndexOf("@");
      if (key.slice(0, at) === model) {
        out.push({
          version: key.slice(at + 1),
          requests: t.requests,
          errors: t.errors,
          p95_ms: t.latencies.quantile(0.95) ?? null,
        });
      }
    }
    return out.slice(-16);
  }
}
