/**
 * @module
 * Operator routes of the sync agent (scope `operator`: they act on the whole PoP): `POST
 * /admin/sync` runs one sync round now (a cron trigger or a local driver calls it; tests drive
 * rollouts with it deterministically), and `PUT /admin/faults/:model` injects a failure rate
 * on one version (chaos drills).
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../../shared/errors.ts";
import { SemverSchema } from "../../shared/manifest/model-manifest.ts";
import type { EdgeEnv } from "../env.ts";
import { requireOperator } from "../auth/authority.ts";
import { readJson } from "../../shared/http/read-json.ts";

const FaultSchema = z.object({ version: SemverSchema, error_rate: z.number().min(0).max(1) });

export const syncRoutes = new Hono<EdgeEnv>()
  .post("/admin/sync", async (c) => {
    requireOperator(c.get("principal"));
    const { sync } = c.get("deps");
    if (!sync) {
      throw new ApiError(404, "sync_off", "This PoP has no control plane configured (CONTROL_URL).");
    }
    return c.json(await sync.runOnce());
  })
  .put("/admin/faults/:model", async (c) => {
    requireOperator(c.get("principal"));
    const { faults } = c.get("deps");
    if (!faults) {
      throw new ApiError(404, "faults_off", "Fault injection is off on this PoP.");
    }
    const body = await readJson(c, FaultSchema);
    faults.set(c.req.param("model"), body.version, body.error_rate);
    return c.json({ model: c.req.param("model"), ...body });
  });
