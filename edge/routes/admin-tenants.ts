/**
 * @module
 * Per-tenant settings (scope `admin`): `GET` and `PUT /admin/tenants/:tenant`. A tenant's admin
 * reads and sets its own tenant's only; operators any tenant's.
 */
import { type Context, Hono } from "hono";
import { ApiError } from "../../shared/errors.ts";
import { parseOrThrow } from "../../shared/tasks/request-validation.ts";
import { TenantSchema } from "../auth/api-key.ts";
import { TenantSettingsSchema, type TenantSettingsStore } from "../auth/tenant-settings.ts";
import type { EdgeEnv } from "../env.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { requireTenantAdmin } from "../auth/authority.ts";
import { audit } from "./admin-audit.ts";

export const adminTenantRoutes = new Hono<EdgeEnv>()
  .get("/admin/tenants/:tenant", async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    requireTenantAdmin(c.get("principal"), tenant);
    return c.json({ tenant, settings: (await store(c).get(tenant)) ?? {} });
  })
  .put("/admin/tenants/:tenant", async (c) => {
    const tenant = parseOrThrow(TenantSchema, c.req.param("tenant"), "tenant");
    requireTenantAdmin(c.get("principal"), tenant);
    const settings = await readJson(c, TenantSettingsSchema);
    await store(c).put(tenant, settings);
    await audit(c, "tenant.set", tenant, { ...settings });
    return c.json({ tenant, settings });
  });

function store(c: Context<EdgeEnv>): TenantSettingsStore {
  const tenants = c.get("deps").tenants;
  if (!tenants) {
    throw new ApiError(404, "tenant_settings_off", "This node keeps no tenant settings.");
  }
  return tenants;
}
