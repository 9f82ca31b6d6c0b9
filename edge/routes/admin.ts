/**
 * @module
 * Fleet routes of the model catalog, which every tenant shares: upload a content-addressed blob,
 * set or remove the version a model is served at. A blob is stored only if its bytes hash to
 * the digest in its URL; a manifest is accepted only when every file it lists is already in the
 * store. Uploading and setting need scope `publish` (which `operator` includes; a tenant's
 * `admin` does not); removing a model needs `operator`. Every change is audited.
 */
import { Hono } from "hono";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import { ApiError } from "../../shared/errors.ts";
import { ModelManifestSchema } from "../../shared/manifest/model-manifest.ts";
import type { EdgeEnv } from "../env.ts";
import { requireOperator, requireScopeOf } from "../auth/authority.ts";
import { audit } from "./admin-audit.ts";
import { readJson } from "../../shared/http/read-json.ts";

export const adminRoutes = new Hono<EdgeEnv>()
  .put("/admin/blobs/:sha256", async (c) => {
    requireScopeOf(c.get("principal"), "publish");
    const { blobs } = c.get("deps");
    const digest = c.req.param("sha256");
    if (!/^[0-9a-f]{64}$/.test(digest)) {
      throw new ApiError(400, "invalid_digest", "The blob URL must end in a lower-case hex sha256.");
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if ((await sha256Hex(bytes)) !== digest) {
      throw new ApiError(400, "digest_mismatch", "The uploaded bytes do not hash to the digest in the URL.");
    }
    await blobs.put(digest, bytes);
    await audit(c, "blob.put", digest, { size: bytes.byteLength });
    return c.json({ sha256: digest, size: bytes.byteLength }, 201);
  })
  .put("/admin/models/:id", async (c) => {
    requireScopeOf(c.get("principal"), "publish");
    const { blobs, catalog } = c.get("deps");
    const manifest = await readJson(c, ModelManifestSchema);
    if (manifest.id !== c.req.param("id")) {
      throw new ApiError(
        400,
        "id_mismatch",
        `The manifest is for '${manifest.id}', the URL names '${c.req.param("id")}'.`,
      );
    }
    for (const file of manifest.files) {
      if (!(await blobs.has(file.sha256))) {
        throw new ApiError(409, "blob_missing", `Upload ${file.name} (sha256 ${file.sha256}) before its manifest.`);
      }
    }
    await catalog.set(manifest);
    await audit(c, "model.set", manifest.id, {
      version: manifest.version,
      ...(manifest.private_to ? { private_to: manifest.private_to } : {}),
    });
    return c.json({ id: manifest.id, version: manifest.version });
  })
  .delete("/admin/models/:id", async (c) => {
    requireOperator(c.get("principal"));
    const removed = await c.get("deps").catalog.remove(c.req.param("id"));
    if (!removed) {
      throw new ApiError(404, "model_not_found", `The model '${c.req.param("id")}' is not served here.`);
    }
    await audit(c, "model.remove", c.req.param("id"));
    return c.body(null, 204);
  });
