/**
 * @module
 * OLPC canonical JSON, the byte form TUF signs: sorted keys, no whitespace, integers only.
 * `@tufjs/canonical-json` (tuf-js's own, pure JavaScript, no Node built-ins) runs unchanged in
 * workerd, Node and browsers, so signer and verifiers here canonicalize exactly as tuf-js does.
 */
import { canonicalize } from "@tufjs/canonical-json";

const encoder = new TextEncoder();

/** The canonical UTF-8 bytes of a JSON value. Throws on floats, which canonical JSON forbids. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}
