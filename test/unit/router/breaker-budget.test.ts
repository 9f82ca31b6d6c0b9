// The breaker's state machine and the retry budget on a fake clock: logic only, no network.
import { describe, expect, it } from "vitest";
import { CircuitBreaker, REFUSED } from "../../../edge/router/breaker.ts";
import { RetryBudget } from "../../../edge/router/retry-budget.ts";

const OPTIONS = {
  consecutive_failures: 5,
  error_rate: 0.5,
  min_requests: 20,
  window_ms: 10_000,
  open_ms: 1000,
  max_open_ms: 4000,
};

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("circuit breaker", () => {
  it("opens on the 5th consecutive failure, probes once when half-open, closes on success", () => {
    const c = clock();
    const b = new CircuitBreaker(OPTIONS, c.now);
    for (let i = 0; i < 4; i++) {
      b.onFailure(b.tryAcquire());
    }
    expect(b.state()).toBe("closed");
    b.onFailure(b.tryAcquire());
    expect(b.state()).toBe("open");
    expect(b.tryAcquire()).toBe(REFUSED);
    c.advance(1000);
    expect(b.state()).toBe("half-open");
    const probe = b.tryAcquire();
    expect(probe).not.toBe(REFUSED);
    expect(b.tryAcquire()).toBe(REFUSED); // one probe at a time
    b.onSuccess(probe);
    expect(b.state()).toBe("closed");
    expect(b.tryAcquire()).not.toBe(REFUSED);
  });

  it("a failed probe re-opens for twice as long, capped", () => {
    const c = clock();
    const b = new CircuitBreaker(OPTIONS, c.now);
    for (let i = 0; i < 5; i++) {
      b.onFailure(b.tryAcquire());
    }
    c.advance(1000);
    for (const period of [2000, 4000, 4000]) {
      const probe = b.tryAcquire();
      expect(probe).not.toBe(REFUSED);
      b.onFailure(probe);
      c.advance(period - 1);
      expect(b.state()).toBe("open");
      c.advance(1);
      expect(b.state()).toBe("half-open");
    }
  });

  it("opens on the error rate over the window without 5 in a row", () => {
    const c = clock();
    const b = new CircuitBreaker(OPTIONS, c.now);
    for (let i = 0; i < 20; i++) {
      if (i % 2 === 0) {
        b.onSuccess(b.tryAcquire());
      } else {
        b.onFailure(b.tryAcquire());
      }
    }
    expect(b.state()).toBe("open");
  });

  it("a probe whose caller vanished frees its slot after one open period", () => {
    const c = clock();
    const b = new CircuitBreaker(OPTIONS, c.now);
    for (let i = 0; i < 5; i++) {
      b.onFailure(b.tryAcquire());
    }
    c.advance(1000);
    expect(b.tryAcquire()).not.toBe(REFUSED);
    c.advance(999);
    expect(b.tryAcquire()).toBe(REFUSED);
    c.advance(1);
    expect(b.tryAcquire()).not.toBe(REFUSED);
  });
});

describe("retry budget", () => {
  it("allows the minimum per window, then 20% of requests, and refills as the window slides", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 0.2, min_per_window: 3, window_ms: 10_000 }, c.now);
    for (let i = 0; i < 10; i++) {
      budget.recordRequest();
    }
    expect([1, 2, 3, 4].map(() => budget.tryRetry())).toEqual([true, true, true, false]);
    for (let i = 0; i < 90; i++) {
      budget.recordRequest();
    }
    let granted = 0;
    while (budget.tryRetry()) {
      granted += 1;
    }
    expect(granted + 3).toBe(20); // 20% of 100 requests
    c.advance(10_000);
    budget.recordRequest();
    expect(budget.tryRetry()).toBe(true); // old retries have left the window
  });

  it("bounds attempts in a total outage to (1 + ratio) × inbound", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 0.2, min_per_window: 3, window_ms: 10_000 }, c.now);
    let attempts = 0;
    for (let i = 0; i < 1000; i++) {
      budget.recordRequest();
      attempts += 1;
      for (let retry = 0; retry < 2 && budget.tryRetry(); retry++) {
        attempts += 1;
      }
      c.advance(10);
    }
    expect(attempts / 1000).toBeLessThanOrEqual(1.21);
  });
});
