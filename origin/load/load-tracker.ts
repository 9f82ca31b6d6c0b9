/**
 * @module
 * The origin's load signals for routers: requests in flight (accepted, answer not finished —
 * a stream counts until its last byte) and queue depth (requests waiting for a model
 * session). Also what a graceful shutdown waits on: in-flight reaching zero.
 */

export class LoadTracker {
  private active = 0;
  private readonly queueSources: Array<() => number> = [];
  private idleWaiters: Array<() => void> = [];

  get inFlight(): number {
    return this.active;
  }

  get queueDepth(): number {
    return this.queueSources.reduce((n, source) => n + source(), 0);
  }

  /** Adds a source of waiting requests (a model's batch runner). */
  addQueue(source: () => number): void {
    this.queueSources.push(source);
  }

  /** Counts one request in; the returned function counts it out (calling it twice is harmless). */
  begin(): () => void {
    this.active += 1;
    let done = false;
    return () => {
      if (done) {
        return;
      }
      done = true;
      this.active -= 1;
      if (this.active === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) {
          w();
        }
      }
    };
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
