/**
 * @module
 * Waiting on the response cache instead of sleeping. A cache fill lands after its answer has
 * gone to the client (in the background), so a test that needs the entry repeats the request
 * until the cache answers it, within a deadline; a test that needs to know an entry was *not*
 * stored first waits for a later request's fill in the same partition (fills of one partition
 * are written in order by its Durable Object), then asks. Runtime-neutral: the edge tests
 * import it inside workerd, the end-to-end tests in Node.
 */
import { vi } from "vitest";

/** How long a fill may take to land on a busy machine, and how often to look. */
export const FILL_WAIT = { timeout: 15_000, interval: 20 } as const;

/** The `x-edgefleet-cache` verdict of a response (its body read, so the connection is free). */
export async function cacheVerdict(res: Response): Promise<string | null> {
  await res.arrayBuffer();
  return res.headers.get("x-edgefleet-cache");
}

/**
 * Sends the request until the answer is no longer a cache miss, and returns that answer
 * (its body unread). Fails after the deadline if the entry never appears.
 */
export function untilCached(send: () => Promise<Response>): Promise<Response> {
  return vi.waitFor(async () => {
    const res = await send();
    if (res.headers.get("x-edgefleet-cache") === "miss") {
      await res.arrayBuffer();
      throw new Error("the cache still misses: its fill has not landed");
    }
    return res;
  }, FILL_WAIT);
}

/**
 * Sends the request until `accept` holds for its answer, and returns that answer (its body
 * unread): for state that another process or isolate publishes after a delay (a catalog or
 * scorer cache's TTL, a server's readiness).
 */
export function untilAnswer(
  send: () => Promise<Response>,
  accept: (res: Response) => boolean,
  what: string,
): Promise<Response> {
  return vi.waitFor(async () => {
    const res = await send();
    if (!accept(res)) {
      await res.arrayBuffer();
      throw new Error(`still waiting for ${what}`);
    }
    return res;
  }, FILL_WAIT);
}
