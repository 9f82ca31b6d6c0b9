/**
 * @module
 * SHA-256 over WebCrypto: the same code hashes model files in workerd, Node and browsers.
 */

/** Lower-case hex SHA-256 of the bytes. */
export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  // Our byte arrays never sit on a SharedArrayBuffer; the cast only narrows the buffer type for WebCrypto.
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer> | ArrayBuffer);
  return toHex(new Uint8Array(digest));
}

/** Lower-case hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    out += b.toString(16).padStart(2, "0");
  }
  return out;
}

/** True when the string is a lower-case hex SHA-256 digest. */
export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
