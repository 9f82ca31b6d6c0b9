// The breaker's contract (docs/origin.md, "Circuit breaker per origin") on an injected clock:
// only the half-open probe's outcome moves an open breaker. Requests that were in flight when
// it opened cannot double its open period by failing late, nor close it by answering late.
import { describe, expect, it } from "vitest";
import { CircuitBreaker, REFUSED } from "../../../edge/router/breaker.ts";

const OPEN_MS = 1000;
const OPTIONS = {
  consecutive_failures: 5,
  error_rate: 0.5,
  min_requests: 20,
  window_ms: 10_000,
  open_ms: OPEN_MS,
  max_open_ms: 30_000,
};

function setup() {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  return { clock, breaker: new CircuitBreaker(OPTIONS, clock.now) };
}

/** Tickets for `n` requests started while the breaker is closed (all in flight at once). */
function startInFlight(breaker: CircuitBreaker, n: number): number[] {
  return Array.from({ length: n }, () => breaker.tryAcquire());
}

/** Milliseconds until the breaker lets a probe through, found by stepping the clock. */
function openFor(breaker: CircuitBreaker, clock: { advance(ms: number): number }): number {
  let waited = 0;
  while (breaker.state() === "open") {
    clock.advance(100);
    waited += 100;
  }
  return waited;
}

describe("breaker contract: only the probe counts", () => {
  it("N in-flight requests failing after the opening leave the open period at its initial value", () => {
    const { clock, breaker } = setup();
    const inFlight = startInFlight(breaker, 40);
    for (const ticket of inFlight.slice(0, 5)) {
      breaker.onFailure(ticket);
    }
    expect(breaker.state()).toBe("open");
    // The other 35 fail late, over the open period.
    for (const ticket of inFlight.slice(5)) {
      breaker.onFailure(ticket);
      clock.advance(10);
    }
    clock.advance(OPEN_MS - 35 * 10 - 1);
    expect(breaker.state()).toBe("open");
    clock.advance(1);
    expect(breaker.state()).toBe("half-open");
    expect(breaker.tryAcquire()).not.toBe(REFUSED);
  });

  it("a late success from a request started before the opening does not close it", () => {
    const { clock, breaker } = setup();
    const [slow, ...failing] = startInFlight(breaker, 6) as [number, ...number[]];
    for (const ticket of failing) {
      breaker.onFailure(ticket);
    }
    expect(breaker.state()).toBe("open");
    breaker.onSuccess(slow);
    expect(breaker.state()).toBe("open");
    expect(breaker.tryAcquire()).toBe(REFUSED);
    clock.advance(OPEN_MS);
    // Nor in half-open: only the probe's answer closes it.
    breaker.onSuccess(slow);
    expect(breaker.state()).toBe("half-open");
  });

  it("a failed probe doubles the period, capped; a successful probe closes it and resets the period", () => {
    const { clock, breaker } = setup();
    for (const ticket of startInFlight(breaker, 5)) {
      breaker.onFailure(ticket);
    }
    const periods: number[] = [openFor(breaker, clock)];
    for (let i = 0; i < 6; i++) {
      breaker.onFailure(breaker.tryAcquire());
      periods.push(openFor(breaker, clock));
    }
    expect(periods).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    breaker.onSuccess(breaker.tryAcquire());
    expect(breaker.state()).toBe("closed");
    // The next opening starts again from the initial period.
    for (const ticket of startInFlight(breaker, 5)) {
      breaker.onFailure(ticket);
    }
    expect(openFor(breaker, clock)).toBe(OPEN_MS);
  });

  it("lets one probe through in half-open; a probe given up on cannot speak for its replacement", () => {
    const { clock, breaker } = setup();
    for (const ticket of startInFlight(breaker, 5)) {
      breaker.onFailure(ticket);
    }
    clock.advance(OPEN_MS);
    const vanished = breaker.tryAcquire();
    expect(vanished).not.toBe(REFUSED);
    for (let i = 0; i < 10; i++) {
      expect(breaker.tryAcquire()).toBe(REFUSED);
    }
    // The first probe never reported; after one open period another goes.
    clock.advance(OPEN_MS);
    const probe = breaker.tryAcquire();
    expect(probe).not.toBe(REFUSED);
    expect(breaker.tryAcquire()).toBe(REFUSED);
    breaker.onFailure(vanished);
    expect(breaker.state()).toBe("half-open"); // the stale probe's failure neither re-opened nor doubled
    breaker.onSuccess(probe);
    expect(breaker.state()).toBe("closed");
  });

  it("a failed probe's late duplicate result and older in-flight results do not move the re-opened breaker", () => {
    const { clock, breaker } = setup();
    const old = startInFlight(breaker, 8);
    for (const ticket of old.slice(0, 5)) {
      breaker.onFailure(ticket);
    }
    clock.advance(OPEN_MS);
    const probe = breaker.tryAcquire();
    breaker.onFailure(probe);
    expect(openFor(breaker, clock)).toBe(2 * OPEN_MS);
    // Re-opened for 2 s; now results from before arrive: none of them doubles it again or closes it.
    const next = breaker.tryAcquire();
    breaker.onFailure(probe);
    breaker.onSuccess(old[5] as number);
    breaker.onFailure(old[6] as number);
    expect(breaker.state()).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(REFUSED); // `next` still holds the probe slot
    breaker.onFailure(next);
    expect(openFor(breaker, clock)).toBe(4 * OPEN_MS);
  });

  it("a released probe frees the slot at once; a release from before the opening does not", () => {
    const { clock, breaker } = setup();
    const old = startInFlight(breaker, 6);
    for (const ticket of old.slice(0, 5)) {
      breaker.onFailure(ticket);
    }
    clock.advance(OPEN_MS);
    const probe = breaker.tryAcquire();
    breaker.release(old[5] as number);
    expect(breaker.tryAcquire()).toBe(REFUSED);
    breaker.release(probe);
    expect(breaker.tryAcquire()).not.toBe(REFUSED);
  });
});
