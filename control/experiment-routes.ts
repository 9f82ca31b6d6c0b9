/**
 * @module
 * The operator routes of A/B experiments: start (`POST /v1/experiments`, 201), list, status per
 * id (per-arm statistics and the significance test), and stop (`{keep}` makes one arm stable).
 */
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { readJson } from "../shared/http/read-json.ts";
import { ExperimentSchema } from "../shared/monitoring/experiment.ts";
import { ExperimentStartSchema, ExperimentStopSchema } from "../shared/sync/experiment-api.ts";
import { parseOrThrow } from "../shared/tasks/request-validation.ts";
import type { Coordinator } from "./coordinator.ts";

const IdParamSchema = z.object({ id: ExperimentSchema.shape.id });

export function experimentRoutes(coordinator: Coordinator, operator: MiddlewareHandler): Hono {
  const app = new Hono();
  app.post("/v1/experiments", operator, async (c) =>
    c.json(await coordinator.startExperiment(await readJson(c, ExperimentStartSchema)), 201),
  );
  app.get("/v1/experiments", operator, async (c) => c.json({ experiments: await coordinator.experiments() }));
  app.get("/v1/experiments/:id", operator, async (c) => {
    const { id } = parseOrThrow(IdParamSchema, c.req.param(), "path");
    return c.json(await coordinator.experiment(id));
  });
  app.post("/v1/experiments/:id/stop", operator, async (c) => {
    const { id } = parseOrThrow(IdParamSchema, c.req.param(), "path");
    const stop = c.req.header("content-length") === "0" ? {} : await readJson(c, ExperimentStopSchema);
    return c.json(await coordinator.stopExperiment(id, stop));
  });
  return app;
}
