/**
 * @module
 * A tenant's semantic-cache pair scorer (scope `admin`, the caller's own tenant unless it is an
 * operator): `PUT /admin/cache-scorers/:tenant` takes
 * a scorer JSON (from the control plane's promotion or `edgefleet cache tune`; it must name that
 * tenant), `GET` shows the active one, `DELETE` rolls back to the untuned default. The scorer's
 * version is part of the partition key, so a new scorer starts on an empty partition.
 */
import { type Context, Hono } from "hono";
import { ScorerModelSchema } from "../../shared/cache/scorer/scorer-model.ts";
import { ApiError } from "../../shared/errors.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { parseOrThrow } from "../../shared/tasks/request-validation.ts";
import { TenantSchema } from "../auth/api-key.ts";
import type { TenantScorers } from "../cache/tenant-scorers.ts";
import type { EdgeEnv } from "../env.ts";
import { requireTenantAdmin } from "../auth/authority.ts";
import { audit } from "./admin-audit.ts";

export const adminCacheScorerRoutes = new Hono<EdgeEnv>()
  .get("/admin/cache-scorers/:tenant", async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    requireTenantAdmin(c.get("principal"), tenant);
    return c.json({ tenant, scorer: (await store(c).get(tenant)) ?? null });
  })
  .put("/admin/cache-scorers/:tenant", async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    requireTenantAdmin(c.get("principal"), tenant);
    const scorer = await readJson(c, ScorerModelSchema);
    if (scorer.tenant !== tenant) {
      throw new ApiError(
        400,
        "scorer_tenant_mismatch",
        `This scorer was trained for tenant ${scorer.tenant ?? "(none)"}; a tenant's scorer is only ever applied to that tenant.`,
        { param: "tenant" },
      );
    }
    await store(c).put(tenant, scorer);
    await audit(c, "tenant.set", tenant, { cache_scorer: scorer.version });
    return c.json({ tenant, version: scorer.version });
  })
  .delete("/admin/cache-scorers/:tenant", async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    requireTenantAdmin(c.get("principal"), tenant);
    await store(c).delete(tenant);
    await audit(c, "tenant.set", tenant, { cache_scorer: "default-v1" });
    return c.json({ tenant, version: "default-v1" });
  });

function store(c: Context<EdgeEnv>): TenantScorers {
  const scorers = c.get("deps").cacheScorers;
  if (!scorers) {
    throw new ApiError(404, "cache_scorers_off", "This node runs the untuned cache scorer only.");
  }
  return scorers;
}
