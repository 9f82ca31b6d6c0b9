/**
 * @module
 * The control plane's learning-cache API:
 * - `POST /v1/cache-training/:tenant/feedback` (edges): one verdict on a semantic hit;
 * - `POST /admin/cache-training/:tenant/pairs` (operators): labelled feature examples, the
 *   tenant's own pairs (`{examples: [{features, label}]}`);
 * - `POST /admin/cache-training/:tenant/retrain` (operators): retrain now; 200 with the result,
 *   promoted or kept (and why);
 * - `GET /v1/cache-training/:tenant/scorer` (edges): the tenant's active scorer, to install with
 *   the edge's `PUT /admin/cache-scorers/:tenant`.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { FeedbackExampleSchema } from "../../shared/cache/scorer/feedback-example.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { parseOrThrow } from "../../shared/tasks/request-validation.ts";
import type { CacheTraining } from "./cache-training.ts";

const TenantSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "a tenant id");
const PairsSchema = z
  .object({
    examples: z
      .array(
        z
          .object({
            features: z.array(z.number().finite()).min(1).max(64),
            label: z.union([z.literal(0), z.literal(1)]),
          })
          .strict(),
      )
      .min(1)
      .max(100_000),
  })
  .strict();

export function cacheTrainingRoutes(
  training: CacheTraining,
  roles: { edge: MiddlewareHandler; operator: MiddlewareHandler },
): Hono {
  const app = new Hono();
  app.post("/v1/cache-training/:tenant/feedback", roles.edge, async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    training.addFeedback(tenant, await readJson(c, FeedbackExampleSchema));
    return c.json({ tenant, accepted: true }, 202);
  });
  app.get("/v1/cache-training/:tenant/scorer", roles.edge, (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    return c.json(training.active(tenant));
  });
  app.post("/admin/cache-training/:tenant/pairs", roles.operator, async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    const body = await readJson(c, PairsSchema);
    return c.json({ tenant, pairs: training.addPairs(tenant, body.examples) });
  });
  app.post("/admin/cache-training/:tenant/retrain", roles.operator, async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    const result = await training.retrain(tenant);
    return c.json(
      result.promoted
        ? { tenant, promoted: true, version: result.model.version, previous: result.previous, held_out: result.heldOut }
        : { tenant, promoted: false, kept: result.kept, reason: result.reason, held_out: result.heldOut ?? null },
    );
  });
  return app;
}
