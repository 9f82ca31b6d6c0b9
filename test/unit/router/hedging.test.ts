// Hedging logic with an in-memory transport (logic only; the router's real-network behaviour is
// covered in test/e2e): a second copy goes out after the first origin's p95, the first answer
// wins and the slower attempt is cancelled; no hedge while the first origin's breaker is not closed.
import { describe, expect, it } from "vitest";
import { OriginTableSchema } from "../../../edge/router/origin-table.ts";
import { OriginRouter } from "../../../edge/router/router.ts";
import type { OriginTransport } from "../../../edge/router/transport.ts";

function setup() {
  const delays: Record<string, number> = { a: 5, b: 5 };
  const calls: Array<{ id: string; signal: AbortSignal }> = [];
  const transport: OriginTransport = {
    send(origin, _call, signal) {
      calls.push({ id: origin.id, signal });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(Response.json({ from: origin.id })), delays[origin.id]);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(new Error("aborted"));
        });
      });
    },
  };
  const table = OriginTableSchema.parse({
    origins: [
      { id: "a", region: "eu-west", endpoint: "http://a.test" },
      { id: "b", region: "us-east", endpoint: "http://b.test", priority: 1 },
    ],
    policy: { hedge: { enabled: true, min_samples: 5 }, retry_budget: { min_per_window: 10 } },
  });
  const router = new OriginRouter({ table, transports: { http: transport } });
  const send = () =>
    router.route({
      path: "/v1/predict",
      model: "m",
      body: "{}",
      stream: false,
      requestId: "r",
      deadline: Date.now() + 5000,
    });
  return { delays, calls, send };
}

describe("hedging", () => {
  it("sends a second copy after the first origin's p95; the faster answer wins, the other is cancelled", async () => {
    const { delays, calls, send } = setup();
    for (let i = 0; i < 6; i++) {
      expect((await send()).origin).toBe("a");
    }
    delays.a = 1000;
    const started = Date.now();
    const routed = await send();
    expect(routed.origin).toBe("b");
    expect(routed.attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
    expect(calls.filter((c) => c.id === "a").at(-1)?.signal.aborted).toBe(true);
  });

  it("does not hedge before enough samples", async () => {
    const { delays, calls, send } = setup();
    delays.a = 60;
    expect((await send()).origin).toBe("a");
    expect(calls.map((c) => c.id)).toEqual(["a"]);
  });
});
