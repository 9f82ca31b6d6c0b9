/**
 * @module
 * A short synchronous hash of a (cached, incoming) pair of requests, for the scorer's deny list:
 * FNV-1a over the normalised texts, two 32-bit lanes. Sync because the scorer runs inside the
 * lookup; a collision can only deny a hit, never grant one.
 */
const normalise = (t: string) => t.toLowerCase().replace(/\s+/g, " ").trim();

function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const hex = (n: number) => n.toString(16).padStart(8, "0");

export function pairHash(cached: string, incoming: string): string {
  const key = `${normalise(cached)}\u0000${normalise(incoming)}`;
  return hex(fnv1a(key, 0x811c9dc5)) + hex(fnv1a(key, 0x9e3779b9));
}
