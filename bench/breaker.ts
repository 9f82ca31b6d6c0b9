/**
 * `npm run bench -- breaker`: how soon a primary origin that crashed under load takes traffic
 * again once it is back. Two real HTTP origins on loopback behind an OriginRouter (the edge's
 * router, on the real clock); 16 closed-loop clients; the primary is killed (connections
 * dropped and refused) after 1 s and restarted 5 s later on the same port.
 * Metrics:
 * - `hostile.breaker_recovery_s`: seconds from the kill until the primary serves a request
 *   again (goal ≤ 7: back within 2 s of its restart). The breaker's open period is 2 s here
 *   (default 5 s) so the probes fall at 2 s and 6 s, each a clear second away from the restart
 *   at 5 s: with 5 s the first probe would race the restart to the millisecond. The breaker that
 *   counted every in-flight failure as a failed probe sat at its 30 s cap after the kill;
 * - `hostile.breaker_failed_requests`: requests that got no answer at all (goal 0: the fallback
 *   serves while the primary is out).
 */
import { OriginTableSchema } from "../edge/router/origin-table.ts";
import { OriginRouter } from "../edge/router/router.ts";
import { httpTransport } from "../edge/router/transport.ts";
import { startCrashingOrigin } from "../test/support/crashing-origin.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { round } from "./lib/stats.ts";

const CLIENTS = 16;
const KILL_AFTER_MS = 1000;
const DOWN_FOR_MS = 5000;
/** Longest wait for the primary to come back (past the old breaker's 30 s cap). */
const GIVE_UP_MS = 40_000;
const OPEN_MS = 2000;

export async function run(json: boolean): Promise<BenchResult> {
  const primary = await startCrashingOrigin("primary");
  const fallback = await startCrashingOrigin("fallback");
  const table = OriginTableSchema.parse({
    origins: [
      { id: "primary", region: "eu-west", endpoint: primary.url },
      { id: "fallback", region: "us-east", endpoint: fallback.url, priority: 1 },
    ],
    policy: { max_attempts: 2, breaker: { open_ms: OPEN_MS, max_open_ms: 30_000 } },
  });
  const router = new OriginRouter({ table, transports: { http: httpTransport() } });

  let killedAt = Number.POSITIVE_INFINITY;
  let restartedAt = Number.POSITIVE_INFINITY;
  let backAt: number | undefined;
  let requests = 0;
  let failed = 0;
  // Aborted to end the load (only read by the clients' loop: in-flight requests finish).
  const done = new AbortController();
  const client = async (id: number) => {
    for (let i = 0; !done.signal.aborted; i++) {
      requests += 1;
      try {
        const routed = await router.route({
          path: "/v1/predict",
          model: "m",
          body: '{"model":"m","inputs":{}}',
          stream: false,
          requestId: `c${id}-${i}`,
          deadline: Date.now() + 10_000,
        });
        const now = Date.now();
        if (routed.origin === "primary" && now > restartedAt && backAt === undefined) {
          backAt = now;
          // Half a second more of load on the recovered primary, then stop.
          setTimeout(() => done.abort(), 500);
        }
      } catch {
        failed += 1;
      }
    }
  };

  progress(json, `${CLIENTS} clients; the primary is killed after ${KILL_AFTER_MS} ms, back ${DOWN_FOR_MS} ms later…`);
  const load = Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
  await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS));
  killedAt = Date.now();
  await primary.crash();
  await new Promise((resolve) => setTimeout(resolve, DOWN_FOR_MS));
  await primary.restart();
  restartedAt = Date.now();
  const giveUp = setTimeout(() => done.abort(), GIVE_UP_MS - DOWN_FOR_MS);
  await load;
  clearTimeout(giveUp);
  await primary.stop();
  await fallback.stop();

  const recoveryS = backAt === undefined ? GIVE_UP_MS / 1000 : (backAt - killedAt) / 1000;
  const afterRestartS = backAt === undefined ? Number.NaN : (backAt - restartedAt) / 1000;
  return {
    bench: "breaker",
    metrics: {
      "hostile.breaker_recovery_s": round(recoveryS, 2),
      "hostile.breaker_failed_requests": failed,
    },
    notes:
      `Primary killed at 1 s under ${CLIENTS} closed-loop clients, restarted ${DOWN_FOR_MS / 1000} s later; ` +
      `breaker open_ms ${OPEN_MS} ms doubling per failed probe (cap 30 s), 5 consecutive failures open it. ` +
      `${requests} requests in all.` +
      (backAt === undefined ? ` The primary took no traffic within ${GIVE_UP_MS / 1000} s of the kill.` : ""),
    table: [
      ["", "seconds"],
      ["kill → primary serves again (goal ≤ 7)", recoveryS.toFixed(2)],
      ["restart → primary serves again", Number.isNaN(afterRestartS) ? "never" : afterRestartS.toFixed(2)],
      ["requests with no answer", String(failed)],
    ],
  };
}
