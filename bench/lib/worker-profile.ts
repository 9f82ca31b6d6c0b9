/**
 * @module
 * A CPU profile of one Worker's isolate in workerd, through the V8 inspector Miniflare opens
 * (`inspectorPort`): `Profiler.start`, the work, `Profiler.stop`, then self time per function
 * (name and bundle line) as shares of all samples — `(idle)`, `(program)` and the garbage
 * collector included, so the rows say where the isolate's time went.
 */
import { once } from "node:events";
import { WebSocket } from "ws";
import { z } from "zod";

const TargetsSchema = z.array(z.object({ title: z.string(), webSocketDebuggerUrl: z.string() }));

const ProfileSchema = z.object({
  profile: z.object({
    nodes: z.array(
      z.object({
        id: z.number(),
        callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      }),
    ),
    samples: z.array(z.number()),
  }),
});

export interface ProfileRow {
  /** `name file:line` (1-based line of the bundle), or a V8 pseudo-frame such as `(idle)`. */
  frame: string;
  share: number;
}

export async function profileWorker<T>(
  inspectorPort: number,
  workerName: string,
  work: () => Promise<T>,
  intervalUs = 100,
): Promise<{ result: T; rows: ProfileRow[] }> {
  const targets = TargetsSchema.parse(await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json());
  const target =
    targets.find((t) => t.title.endsWith(`worker ${workerName}`)) ?? targets.find((t) => t.title.includes(workerName));
  if (!target) {
    throw new Error(`no inspector target for worker ${workerName} (have: ${targets.map((t) => t.title).join(", ")})`);
  }
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await once(ws, "open");
  let nextId = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    const resolve = message.id === undefined ? undefined : pending.get(message.id);
    if (resolve && message.id !== undefined) {
      pending.delete(message.id);
      resolve(message.result);
    }
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call("Profiler.enable");
    await call("Profiler.setSamplingInterval", { interval: intervalUs });
    await call("Profiler.start");
    const result = await work();
    const { profile } = ProfileSchema.parse(await call("Profiler.stop"));
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const self = new Map<string, number>();
    for (const id of profile.samples) {
      const f = frames.get(id);
      const file = f?.url.split("/").pop() ?? "";
      const frame = f ? `${f.functionName || "(anonymous)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}` : "?";
      self.set(frame, (self.get(frame) ?? 0) + 1);
    }
    const total = Math.max(1, profile.samples.length);
    const rows = [...self].map(([frame, n]) => ({ frame, share: n / total })).toSorted((a, b) => b.share - a.share);
    return { result, rows };
  } finally {
    ws.close();
  }
}
