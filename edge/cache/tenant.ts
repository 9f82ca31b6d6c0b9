/**
 * @module
 * The tenant a request belongs to, for cache isolation. Until API keys map to tenants, the
 * tenant is derived from the bearer credential itself (its SHA-256), so two callers with
 * different credentials never share a partition; requests without one share `anonymous`.
 */
import { sha256Hex } from "../../shared/crypto/sha256.ts";

export async function tenantOf(headers: Headers): Promise<string> {
  const auth = headers.get("authorization") ?? "";
  if (!auth.startsWith("Bearer ") || auth.length <= 7) {
    return "anonymous";
  }
  return `key:${(await sha256Hex(new TextEncoder().encode(auth.slice(7)))).slice(0, 32)}`;
}
