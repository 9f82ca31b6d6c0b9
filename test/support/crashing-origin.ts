/**
 * An origin on 127.0.0.1 that can crash and come back on the same port, for the breaker's
 * recovery tests and bench: `crash()` drops every open connection and stops listening (new
 * connections are refused, as from a killed process); `restart()` listens again on the same
 * port. It answers `/v1/predict` as an origin does and counts the predictions it served.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface CrashingOrigin {
  url: string;
  /** Predictions answered since start. */
  readonly served: number;
  crash(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCrashingOrigin(name: string): Promise<CrashingOrigin> {
  const sockets = new Set<Socket>();
  const state = { served: 0, server: undefined as Server | undefined };
  const listen = async (port: number): Promise<number> => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        state.served += 1;
        res.writeHead(200, { "content-type": "application/json", "x-edgefleet-model-version": "1.0.0" });
        res.end(JSON.stringify({ model: "m", version: "1.0.0", output: { origin: name }, usage: { calls: 1 } }));
      });
    });
    server.on("connection", (s: Socket) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    state.server = server;
    return (server.address() as AddressInfo).port;
  };
  const close = () =>
    new Promise<void>((resolve) => {
      const server = state.server;
      state.server = undefined;
      for (const s of sockets) {
        s.destroy();
      }
      if (!server) {
        resolve();
        return;
      }
      server.close(() => resolve());
    });
  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    get served() {
      return state.served;
    },
    crash: close,
    restart: async () => {
      await listen(port);
    },
    stop: close,
  };
}
