// Hedging logic with an in-memory transport (logic only; the router's real-network behaviour is
// covered in test/e2e): a second copy goes out after the first origin's p95, the first answer
// wins and the slower attempt is cancelled; no hedge while the first origin's breaker is not closed.
import { describe, expect, it } from "vitest";
import { hedgeRouter as setup } from "../../support/hedge-router.ts";

describe("hedging", () => {
  it("sends a second copy after the first origin's p95; the faster answer wins, the other is cancelled", async () => {
    const { delays, calls, send } = setup();
    for (let i = 0; i < 6; i++) {
      expect((await send()).origin).toBe("a");
    }
    delays.a = 1000;
    const routed = await send();
    // b was sent while a still had 1 s to go, and answered first: a hedge, not a failover
    // (how soon it answers: `npm run bench -- faults`).
    expect(routed.origin).toBe("b");
    expect(routed.attempts).toBe(2);
    expect(calls.slice(-2).map((c) => c.id)).toEqual(["a", "b"]);
    expect(calls.filter((c) => c.id === "a").at(-1)?.signal.aborted).toBe(true);
  });

  it("does not hedge before enough samples", async () => {
    const { delays, calls, send } = setup();
    delays.a = 60;
    expect((await send()).origin).toBe("a");
    expect(calls.map((c) => c.id)).toEqual(["a"]);
  });
});
