/**
 * @module
 * Checks bytes against the length and hashes that signed metadata gives for them.
 */
import { toHex } from "../crypto/sha256.ts";
import { TufError } from "./errors.ts";

/** TUF hash names → WebCrypto digests. Others are skipped; at least one listed hash must be known. */
const DIGESTS: Record<string, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

export async function checkLengthAndHashes(
  bytes: Uint8Array,
  expected: { length?: number; hashes?: Record<string, string> },
  subject: string,
): Promise<void> {
  if (expected.length !== undefined && bytes.byteLength !== expected.length) {
    const code = bytes.byteLength > expected.length ? "LENGTH_EXCEEDED" : "HASH_MISMATCH";
    throw new TufError(code, subject, `${bytes.byteLength} bytes where the signed length is ${expected.length}`);
  }
  if (expected.hashes === undefined) {
    return;
  }
  let checked = 0;
  for (const [name, hex] of Object.entries(expected.hashes)) {
    const digest = DIGESTS[name];
    if (!digest) {
      continue;
    }
    const actual = toHex(new Uint8Array(await crypto.subtle.digest(digest, bytes as Uint8Array<ArrayBuffer>)));
    if (actual !== hex) {
      throw new TufError("HASH_MISMATCH", subject, `${name} ${actual} where the signed hash is ${hex}`);
    }
    checked++;
  }
  if (checked === 0) {
    throw new TufError("BAD_METADATA", subject, `no supported hash among ${Object.keys(expected.hashes).join(", ")}`);
  }
}
