/**
 * @module
 * API-key management for operators (scope `admin`): create a key for a tenant (the secret is
 * answered once and never stored), list keys (never their hashes), revoke one. Revocation is
 * a flag on the record, kept so the audit trail and `list` still show the key.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../../shared/errors.ts";
import {
  ApiKeyRecordSchema,
  type ApiKeyRecord,
  KeyIdSchema,
  newApiKey,
  ScopeSchema,
  TenantSchema,
} from "../auth/api-key.ts";
import type { EdgeEnv } from "../env.ts";
import { readJson } from "../../shared/http/read-json.ts";
import { parseOrThrow } from "../../shared/tasks/request-validation.ts";
import { audit, requireAdmin } from "./admin-audit.ts";

const CreateKeySchema = z
  .object({
    tenant: TenantSchema,
    scopes: z.array(ScopeSchema).min(1).max(3),
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
    requireAdmin(c);
    const body = await readJson(c, CreateKeySchema);
    const { key, record } = await newApiKey({ ...body, created_by: c.get("principal").actor });
    await c.get("deps").auth.keys.put(record);
    await audit(c, "key.create", record.id, { tenant: record.tenant, scopes: [...record.scopes] });
    return c.json({ key, ...publicView(record) }, 201);
  })
  .get("/admin/keys", async (c) => {
    requireAdmin(c);
    const tenant = c.req.query("tenant");
    const keys = (await c.get("deps").auth.keys.list()).filter((r) => tenant === undefined || r.tenant === tenant);
    return c.json({ object: "list", data: keys.map(publicView) });
  })
  .delete("/admin/keys/:id", async (c) => {
    requireAdmin(c);
    const id = parseOrThrow(KeyIdSchema, c.req.param("id"), "id");
    const { keys } = c.get("deps").auth;
    const record = await keys.get(id);
    if (!record) {
      throw new ApiError(404, "key_not_found", `No API key has the id '${id}'.`);
    }
    const revoked = record.revoked_at === undefined ? { ...record, revoked_at: new Date().toISOString() } : record;
    await keys.put(revoked);
    await audit(c, "key.revoke", id, { tenant: record.tenant });
    return c.json(publicView(revoked));
  });
