/**
 * @module
 * API keys: their wire format, the stored record, and how a presented secret is checked.
 * A key reads `efk_<id>_<secret>`: the id finds the record without scanning, the secret
 * (32 random bytes, base64url) is stored only as its SHA-256 and compared in constant time,
 * so a leaked key store yields no usable key and timing reveals nothing about a near miss.
 */
import { z } from "zod";
import { sha256Hex, toHex } from "../../shared/crypto/sha256.ts";

/**
 * What a key may do (docs/security.md, "Authority"): `infer` runs `/v1/*`; `admin` administers
 * the key's own tenant (its keys, settings, cache scorer); `publish` puts blobs and model
 * versions into the fleet-wide catalog; `operator` administers the whole fleet, every tenant.
 */
export const SCOPES = ["infer", "publish", "admin", "operator"] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

/** Tenants name cache partitions and private models: the same small alphabet as model ids. */
export const TenantSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "tenants are 1-64 characters of a-z, 0-9, '.', '_' or '-'");

export const KeyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, "key ids are 16 lower-case hex characters");

export const ApiKeyRecordSchema = z
  .object({
    id: KeyIdSchema,
    tenant: TenantSchema,
    scopes: z.array(ScopeSchema).min(1).max(SCOPES.length),
    /** SHA-256 (hex) of the whole presented key. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    name: z.string().max(200).optional(),
    created_at: z.string().max(40),
    created_by: z.string().max(200),
    revoked_at: z.string().max(40).optional(),
    /** Per-key rate limits; the edge's defaults apply when absent. */
    limits: z
      .object({
        requests_per_minute: z.number().int().positive().max(1_000_000),
        tokens_per_minute: z.number().int().positive().max(1_000_000_000),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

const KEY_PATTERN = /^efk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

/** The id inside a presented key, or undefined when it is not shaped like one of ours. */
export function keyIdOf(presented: string): string | undefined {
  return KEY_PATTERN.exec(presented)?.[1];
}

export function hashKey(presented: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(presented));
}

/** Constant-time equality of two hex digests of equal length (both are SHA-256 here). */
export function equalDigests(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  }
  return diff === 0;
}

/** A new key and the record to store for it; the key itself is shown once and never stored. */
export async function newApiKey(
  fields: Pick<ApiKeyRecord, "tenant" | "scopes" | "created_by"> & {
    name?: string | undefined;
    limits?: ApiKeyRecord["limits"] | undefined;
  },
  now: Date = new Date(),
): Promise<{ key: string; record: ApiKeyRecord }> {
  const id = toHex(crypto.getRandomValues(new Uint8Array(8)));
  const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const key = `efk_${id}_${secret}`;
  const record: ApiKeyRecord = {
    id,
    tenant: fields.tenant,
    scopes: [...new Set(fields.scopes)],
    hash: await hashKey(key),
    ...(fields.name === undefined ? {} : { name: fields.name }),
    ...(fields.limits === undefined ? {} : { limits: fields.limits }),
    created_at: now.toISOString(),
    created_by: fields.created_by,
  };
  return { key, record };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
