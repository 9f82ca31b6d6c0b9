/**
 * @module
 * An origin router over an in-memory transport, for hedging: origins `a` (first choice) and
 * `b` answer after `delays[id]` ms, hedging is on after 5 samples, and every attempt is
 * logged with its abort signal. The hedging tests judge what it routes; the faults bench
 * times it.
 */
import { OriginTableSchema } from "../../edge/router/origin-table.ts";
import { type Routed, OriginRouter } from "../../edge/router/router.ts";
import type { OriginTransport } from "../../edge/router/transport.ts";

export interface HedgeRouter {
  /** How long each origin takes to answer (ms); change it between requests. */
  delays: Record<string, number>;
  /** Every attempt sent, in order. */
  calls: Array<{ id: string; signal: AbortSignal }>;
  send(): Promise<Routed>;
}

export function hedgeRouter(): HedgeRouter {
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
