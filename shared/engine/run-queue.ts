/**
 * @module
 * Serialises runs on one session. The WASM backend is single-threaded, so running one
 * session's calls back to back loses nothing, and it keeps stateful callers (VAD frames)
 * and concurrent requests from interleaving inside one session.
 */

export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
