import { env, SELF } from "cloudflare:test";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";

export const BASE = "https://edge.test";

export function admin(): Record<string, string> {
  return { authorization: `Bearer ${env.ADMIN_TOKEN}` };
}

/** Seeds the default models through the edge's own admin API (blobs, then manifests). */
export async function seedDefaultModels(): Promise<ModelManifest[]> {
  const manifests = (await (await env.FIXTURES.fetch("http://fixtures/manifests")).json()) as ModelManifest[];
  for (const m of manifests) {
    for (const f of m.files) {
      const bytes = await (await env.FIXTURES.fetch(`http://fixtures/blobs/${f.sha256}`)).arrayBuffer();
      const res = await SELF.fetch(`${BASE}/admin/blobs/${f.sha256}`, { method: "PUT", headers: admin(), body: bytes });
      if (res.status !== 201) {
        throw new Error(`blob upload failed: ${res.status} ${await res.text()}`);
      }
    }
    const res = await SELF.fetch(`${BASE}/admin/models/${m.id}`, {
      method: "PUT",
      headers: { ...admin(), "content-type": "application/json" },
      body: JSON.stringify(m),
    });
    if (res.status !== 200) {
      throw new Error(`manifest refused: ${res.status} ${await res.text()}`);
    }
  }
  return manifests;
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export async function fixtureBase64(name: string): Promise<string> {
  const bytes = new Uint8Array(await (await env.FIXTURES.fetch(`http://fixtures/files/${name}`)).arrayBuffer());
  let binary = "";
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary);
}

export async function native(body: unknown): Promise<{ output: unknown }> {
  const res = await env.NATIVE.fetch("http://native/predict", { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) {
    throw new Error(`native reference failed: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as { output: unknown };
}

export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    return Infinity;
  }
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);
}
