/**
 * @module
 * `GET /healthz` (the process answers) and `GET /readyz` (it can serve: its catalog is
 * readable and every model it serves is in its store).
 */
import { Hono } from "hono";
import type { EdgeEnv } from "../env.ts";

export const healthRoutes = new Hono<EdgeEnv>()
  .get("/healthz", (c) => {
    const { pop, engine } = c.get("deps");
    const heap = engine.runtime.heapBytes?.();
    return c.json({
      status: "ok",
      pop,
      runtime: engine.runtime.name,
      loaded: engine.loaded().map((m) => `${m.id}@${m.version}`),
      ...(heap === undefined ? {} : { wasm_heap_mb: Math.round((heap / 2 ** 20) * 10) / 10 }),
    });
  })
  .get("/readyz", async (c) => {
    const { catalog, blobs, engine, pop } = c.get("deps");
    const models = await catalog.list();
    const missing: string[] = [];
    for (const m of models) {
      for (const f of m.files) {
        if (!(await blobs.has(f.sha256))) {
          missing.push(`${m.id}/${f.name}`);
        }
      }
    }
    const ready = missing.length === 0;
    return c.json(
      { ready, pop, models: models.length, loaded: engine.loaded().length, ...(ready ? {} : { missing }) },
      ready ? 200 : 503,
    );
  });
