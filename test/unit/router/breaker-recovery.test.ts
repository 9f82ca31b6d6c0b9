// The breaker through the router against real HTTP origins on loopback, on an injected clock:
// the primary crashes (connections refused) under concurrent load and comes back 2.5 s later
// (simulated). The requests in flight at the crash open the breaker once (1 s, not 30 s); one
// probe finds the primary still down and re-opens it for 2 s; the next probe finds it back and
// traffic returns to it at once: within one probe interval of its recovery. Judged by where
// requests were served and how many attempts each took (a failed probe shows as 2 attempts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OriginTableSchema } from "../../../edge/router/origin-table.ts";
import { OriginRouter } from "../../../edge/router/router.ts";
import { httpTransport } from "../../../edge/router/transport.ts";
import { type CrashingOrigin, startCrashingOrigin } from "../../support/crashing-origin.ts";

const OPEN_MS = 1000;
const STEP_MS = 250;
const BURST = 5;
let primary: CrashingOrigin;
let fallback: CrashingOrigin;

beforeAll(async () => {
  primary = await startCrashingOrigin("primary");
  fallback = await startCrashingOrigin("fallback");
});

afterAll(async () => {
  await primary?.stop();
  await fallback?.stop();
});

interface Served {
  at: number;
  origin: string;
  attempts: number;
}

function makeRouter(now: () => number): OriginRouter {
  const table = OriginTableSchema.parse({
    origins: [
      { id: "primary", region: "eu-west", endpoint: primary.url },
      { id: "fallback", region: "us-east", endpoint: fallback.url, priority: 1 },
    ],
    policy: {
      max_attempts: 2,
      breaker: { consecutive_failures: 5, open_ms: OPEN_MS, max_open_ms: 30_000 },
      // Every failover here is a retry: a floor high enough that the budget never decides.
      retry_budget: { min_per_window: 10_000 },
    },
  });
  return new OriginRouter({ table, transports: { http: httpTransport() }, now });
}

describe("breaker recovery through the router", () => {
  it("a primary that crashed under load takes traffic again at the first probe after it is back", async () => {
    let t = 1_000_000;
    const router = makeRouter(() => t);
    const burst = async (n: number): Promise<Served[]> => {
      const at = t;
      const routed = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          router.route({
            path: "/v1/predict",
            model: "m",
            body: '{"model":"m","inputs":{}}',
            stream: false,
            requestId: `r-${at}-${i}`,
            deadline: t + 60_000,
          }),
        ),
      );
      return routed.map((r) => ({ at, origin: r.origin, attempts: r.attempts }));
    };

    expect(new Set((await burst(10)).map((s) => s.origin))).toEqual(new Set(["primary"]));
    await primary.crash();
    const crashedAt = t;
    // 30 requests in flight to the primary when it goes: all are served by the fallback.
    const atCrash = await burst(30);
    expect(atCrash.every((s) => s.origin === "fallback" && s.attempts === 2)).toBe(true);

    const restartAt = crashedAt + 2500;
    const served: Served[] = [];
    for (let at = crashedAt + STEP_MS; at <= crashedAt + 5000; at += STEP_MS) {
      t = at;
      if (at === restartAt) {
        await primary.restart();
      }
      served.push(...(await burst(BURST)));
    }
    const during = (from: number, to: number) =>
      served.filter((s) => s.at >= crashedAt + from && s.at < crashedAt + to);

    // Open for the initial period only, whatever the 25 late failures: no attempt on the primary.
    expect(during(0, OPEN_MS).every((s) => s.origin === "fallback" && s.attempts === 1)).toBe(true);
    // At 1 s one probe goes to the still-dead primary (2 attempts), the burst's others stay on the fallback.
    expect(
      during(OPEN_MS, OPEN_MS + 1)
        .map((s) => s.attempts)
        .toSorted(),
    ).toEqual([1, 1, 1, 1, 2]);
    // The failed probe re-opened it for twice as long: until 3 s, nothing goes to the primary (back at 2.5 s).
    expect(during(OPEN_MS + 1, 3 * OPEN_MS).every((s) => s.origin === "fallback" && s.attempts === 1)).toBe(true);
    // At 3 s the probe finds it back: one request of that burst on the primary ...
    expect(during(3 * OPEN_MS, 3 * OPEN_MS + 1).filter((s) => s.origin === "primary")).toHaveLength(1);
    // ... and from the next burst on, all traffic: within one probe interval (2 s) of the recovery.
    const back = during(3 * OPEN_MS + 1, Infinity);
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((s) => s.origin === "primary" && s.attempts === 1)).toBe(true);
    expect(Math.min(...served.filter((s) => s.origin === "primary").map((s) => s.at)) - restartAt).toBeLessThanOrEqual(
      2 * OPEN_MS,
    );
  });
});
