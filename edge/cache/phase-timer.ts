/**
 * @module
 * Times the phases of a request for the `server-timing` header (`cache-exact;dur=0.4, embed;dur=14`).
 * workerd's clock has millisecond resolution, so sub-millisecond phases read as 0 there.
 */

export class PhaseTimer {
  private readonly phases: Array<[string, number]> = [];

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phases.push([name, performance.now() - started]);
    }
  }

  /** Appends the phases to any server-timing the response already has. */
  write(headers: Headers): void {
    if (this.phases.length === 0) {
      return;
    }
    const mine = this.phases.map(([n, d]) => `${n};dur=${d.toFixed(1)}`).join(", ");
    const existing = headers.get("server-timing");
    headers.set("server-timing", existing ? `${existing}, ${mine}` : mine);
  }
}
