/**
 * @module
 * Writes TUF metadata: signs the canonical bytes of `signed` with each signer and wraps both
 * in the spec's envelope. The file itself is indented for people; signatures cover only the
 * canonical form, so formatting never matters to a verifier.
 */
import { canonicalBytes } from "./canonical.ts";
import type { Signer } from "./keys.ts";
import type { SignedByRole, TopLevelRole } from "./schema.ts";

const encoder = new TextEncoder();

/** The spec version this writer follows. */
export const SPEC_VERSION = "1.0.31";

export async function signMetadata<R extends TopLevelRole>(
  signed: SignedByRole[R],
  signers: readonly Signer[],
): Promise<Uint8Array<ArrayBuffer>> {
  const message = canonicalBytes(signed);
  const signatures: Array<{ keyid: string; sig: string }> = [];
  for (const signer of signers) {
    signatures.push({ keyid: signer.keyid, sig: await signer.sign(message) });
  }
  // A copy, so the type is a plain ArrayBuffer-backed array (a valid fetch/Response body everywhere).
  return new Uint8Array(encoder.encode(`${JSON.stringify({ signatures, signed }, null, 2)}\n`));
}

/** TUF's `expires` form: UTC, whole seconds. */
export function expiresAt(from: Date, seconds: number): string {
  return new Date(Math.floor(from.getTime() / 1000) * 1000 + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
