/**
 * @module
 * Requests per second per PoP over the last few minutes, for the dashboard's line chart:
 * the PoPs' cumulative request counts sampled whenever the dashboard is drawn (at most one
 * sample a second, a bounded ring), differenced into rates. A count that went down means the
 * PoP's isolate restarted; its new count is then the increase.
 */
export interface Series {
  name: string;
  /** Requests per second, oldest first. */
  points: number[];
}

interface Sample {
  at: number;
  totals: ReadonlyMap<string, number>;
}

export class RequestHistory {
  private readonly samples: Sample[] = [];
  private readonly capacity: number;
  private readonly minGapMs: number;

  constructor(capacity = 180, minGapMs = 1000) {
    this.capacity = capacity;
    this.minGapMs = minGapMs;
  }

  add(at: number, totals: ReadonlyMap<string, number>): void {
    const last = this.samples.at(-1);
    if (last && at - last.at < this.minGapMs) {
      return;
    }
    this.samples.push({ at, totals });
    if (this.samples.length > this.capacity) {
      this.samples.shift();
    }
  }

  series(): Series[] {
    const names = new Set(this.samples.flatMap((s) => [...s.totals.keys()]));
    return [...names].toSorted().map((name) => ({
      name,
      points: this.samples.slice(1).map((s, i) => {
        const prev = this.samples[i];
        const now = s.totals.get(name) ?? 0;
        const before = prev?.totals.get(name) ?? 0;
        const seconds = prev ? (s.at - prev.at) / 1000 : 1;
        return (now >= before ? now - before : now) / seconds;
      }),
    }));
  }
}
