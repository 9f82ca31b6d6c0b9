/**
 * @module
 * Puts model versions on an edge through its admin API: blobs first (each checked against its
 * digest by the edge), then the manifest that names them. Blobs the edge already has are skipped.
 */
import type { BuiltModel } from "../models/build-manifest.ts";

export async function seedEdge(edgeUrl: string, adminToken: string, models: readonly BuiltModel[]): Promise<void> {
  const auth = { authorization: `Bearer ${adminToken}` };
  for (const { manifest, blobs } of models) {
    for (const [sha256, bytes] of blobs) {
      const res = await fetch(`${edgeUrl}/admin/blobs/${sha256}`, {
        method: "PUT",
        headers: auth,
        body: bytes.slice(),
      });
      if (!res.ok) {
        throw new Error(
          `upload of ${manifest.id} blob ${sha256.slice(0, 12)} failed: ${res.status} ${await res.text()}`,
        );
      }
    }
    const res = await fetch(`${edgeUrl}/admin/models/${manifest.id}`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(manifest),
    });
    if (!res.ok) {
      throw new Error(`manifest of ${manifest.id} refused: ${res.status} ${await res.text()}`);
    }
  }
}
