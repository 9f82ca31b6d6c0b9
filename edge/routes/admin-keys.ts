/**
 * @module
 * API-key management (scope `admin`): create a key (the secret is answered once and never
 * stored), list keys (never their hashes), revoke one. A tenant's admin manages its own
 * tenant's keys only, and only keys whose scopes it holds itself; operators manage every
 * tenant's (edge/auth/authority.ts). Revocation is a flag on the record, kept so the audit
 * trail and `list` still show the key.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../../shared/errors.ts";
import {
  ApiKeyRecordSchema,
  type ApiKeyRecord,
  KeyIdSchema,
  newApiKey,
  SCOPES,
  ScopeSchema,
  TenantSchema,
} from "../auth/api-key.ts";
import { requireGrantable, requireScopeOf, requireTenantAdmin } from "../auth/authority.ts";
import { isOperator } from "../auth/principal.ts";
import type { EdgeEnv } from "../env.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { parseOrThrow } from "../../shared/tasks/request-validation.ts";
import { audit } from "./admin-audit.ts";

const CreateKeySchema = z
  .object({
    tenant: TenantSchema,
    scopes: z.array(ScopeSchema).min(1).max(SCOPES.length),
    name: z.string().max(200).optional(),
    limits: ApiKeyRecordSchema.shape.limits,
  })
  .strict();

/** What `list` and `create` show of a record: everything but the hash. */
function publicView(r: ApiKeyRecord): Omit<ApiKeyRecord, "hash"> {
  const { hash: _hash, ...rest } = r;
  return rest;
}

export const adminKeyRoutes = new Hono<EdgeEnv>()
  .post("/admin/keys", async (c) => {
    const principal = c.get("principal");
    requireScopeOf(principal, "admin");
    const body = await readJson(c, CreateKeySchema);
    requireTenantAdmin(principal, body.tenant);
    requireGrantable(principal, body.scopes);
    const { key, record } = await newApiKey({ ...body, created_by: principal.actor });
    await c.get("deps").auth.keys.put(record);
    await audit(c, "key.create", record.id, { tenant: record.tenant, scopes: [...record.scopes] });
    return c.json({ key, ...publicView(record) }, 201);
  })
  .get("/admin/keys", async (c) => {
    const principal = c.get("principal");
    const asked = c.req.query("tenant");
    // A tenant's admin who names no tenant sees its own; only operators list every tenant's keys.
    const tenant =
      asked === undefined
        ? isOperator(principal)
          ? undefined
          : principal.tenant
        : parseOrThrow(TenantSchema, asked, "tenant");
    if (tenant === undefined) {
      requireScopeOf(principal, "admin");
    } else {
      requireTenantAdmin(principal, tenant);
    }
    const keys = (await c.get("deps").auth.keys.list()).filter((r) => tenant === undefined || r.tenant === tenant);
    return c.json({ object: "list", data: keys.map(publicView) });
  })
  .delete("/admin/keys/:id", async (c) => {
    const principal = c.get("principal");
    requireScopeOf(principal, "admin");
    const id = parseOrThrow(KeyIdSchema, c.req.param("id"), "id");
    const { keys } = c.get("deps").auth;
    const record = await keys.get(id);
    if (!record) {
      throw new ApiError(404, "key_not_found", `No API key has the id '${id}'.`);
    }
    requireTenantAdmin(principal, record.tenant);
    requireGrantable(principal, record.scopes);
    const revoked = record.revoked_at === undefined ? { ...record, revoked_at: new Date().toISOString() } : record;
    await keys.put(revoked);
    await audit(c, "key.revoke", id, { tenant: record.tenant });
    return c.json(publicView(revoked));
  });
