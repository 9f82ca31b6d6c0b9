// Test helpers for the auth suites: create and revoke API keys through the edge's own admin API.
import { SELF } from "cloudflare:test";
import { admin, BASE } from "../helpers.ts";

export interface CreatedKey {
  key: string;
  id: string;
  tenant: string;
  scopes: string[];
}

export async function createKey(
  tenant: string,
  scopes: string[],
  limits?: { requests_per_minute: number; tokens_per_minute: number },
): Promise<CreatedKey> {
  const res = await SELF.fetch(`${BASE}/admin/keys`, {
    method: "POST",
    headers: { ...admin(), "content-type": "application/json" },
    body: JSON.stringify({ tenant, scopes, ...(limits ? { limits } : {}) }),
  });
  if (res.status !== 201) {
    throw new Error(`key not created: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as CreatedKey;
}

export async function revokeKey(id: string): Promise<Response> {
  return SELF.fetch(`${BASE}/admin/keys/${id}`, { method: "DELETE", headers: admin() });
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error: { code: string; type: string } };
  return body.error.code;
}
