/**
 * @module
 * Verify before parse: raw metadata bytes are split into `signed` and `signatures`, the
 * signatures are checked over the canonical bytes of `signed` against the keys a trusted
 * delegator (root) authorizes, and only then is `signed` validated against its role's schema.
 */
import { z } from "zod";
import { canonicalBytes } from "./canonical.ts";
import { TufError } from "./errors.ts";
import { verifySignature } from "./keys.ts";
import {
  type Envelope,
  EnvelopeSchema,
  type Root,
  SIGNED_SCHEMAS,
  type SignedByRole,
  type TopLevelRole,
} from "./schema.ts";

export interface Verified<R extends TopLevelRole> {
  role: R;
  /** Exactly the bytes that were verified: what the client persists. */
  bytes: Uint8Array;
  signed: SignedByRole[R];
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The envelope of raw metadata; nothing inside `signed` is trusted yet. */
export function parseEnvelope(bytes: Uint8Array, role: TopLevelRole): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new TufError("BAD_METADATA", role, "not UTF-8 JSON", { cause: error });
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new TufError("BAD_METADATA", role, `not signed metadata: ${z.prettifyError(envelope.error)}`);
  }
  return envelope.data;
}

/**
 * Throws unless a threshold of distinct keys that `delegator` authorizes for `role` signed the
 * envelope. A key id counts once however many signatures carry it (threshold bypass with
 * duplicate key ids). When the threshold is not met, the code says why: a forged signature
 * under an authorized key id, a key this client saw retired, a key root never authorized, or
 * simply too few signers.
 */
export async function checkSignatures(
  envelope: Envelope,
  role: TopLevelRole,
  delegator: Root,
  retiredKeyids: ReadonlySet<string> = new Set(),
): Promise<void> {
  const { keyids, threshold } = delegator.roles[role];
  const authorized = new Set(keyids);
  let message: Uint8Array;
  try {
    message = canonicalBytes(envelope.signed);
  } catch (error) {
    throw new TufError("BAD_METADATA", role, "signed part has no canonical JSON form", { cause: error });
  }
  const valid = new Set<string>();
  let forged = false;
  let retired = false;
  let unknown = false;
  for (const { keyid, sig } of envelope.signatures) {
    const key = authorized.has(keyid) ? delegator.keys[keyid] : undefined;
    if (!key) {
      retired ||= retiredKeyids.has(keyid);
      unknown ||= !retiredKeyids.has(keyid);
      continue;
    }
    if (valid.has(keyid)) {
      continue;
    }
    if (await verifySignature(key, sig, message)) {
      valid.add(keyid);
    } else {
      forged = true;
    }
  }
  if (valid.size >= threshold) {
    return;
  }
  const counted = `${valid.size} of ${threshold} required keys signed`;
  if (forged) {
    throw new TufError("BAD_SIGNATURE", role, `a signature under an authorized key id does not verify (${counted})`);
  }
  if (retired) {
    throw new TufError("REVOKED_KEY", role, `signed by a key rotated out of the role (${counted})`);
  }
  if (unknown && valid.size === 0) {
    throw new TufError("UNKNOWN_KEY", role, `signed by keys root v${delegator.version} does not authorize for ${role}`);
  }
  throw new TufError("THRESHOLD_NOT_MET", role, counted);
}

/** Validates the signed part of an envelope whose signatures already verified. */
export function parseSigned<R extends TopLevelRole>(envelope: Envelope, role: R): SignedByRole[R] {
  // TUF's field name; the bracket keeps the linter's no-underscore rule for our own names.
  const type = envelope.signed["_type"];
  if (type !== role) {
    throw new TufError("BAD_METADATA", role, `expected _type "${role}", got ${JSON.stringify(type)}`);
  }
  const parsed = SIGNED_SCHEMAS[role].safeParse(envelope.signed);
  if (!parsed.success) {
    throw new TufError("BAD_METADATA", role, z.prettifyError(parsed.error));
  }
  return parsed.data;
}

/** Bytes → verified, parsed metadata of `role`, signed by a threshold of `delegator`'s keys. */
export async function verifyMetadata<R extends TopLevelRole>(
  bytes: Uint8Array,
  role: R,
  delegator: Root,
  retiredKeyids?: ReadonlySet<string>,
): Promise<Verified<R>> {
  const envelope = parseEnvelope(bytes, role);
  await checkSignatures(envelope, role, delegator, retiredKeyids);
  return { role, bytes, signed: parseSigned(envelope, role) };
}

/** True when metadata's `expires` is at or before `now` (spec §5.1: one fixed start time per update). */
export function isExpired(signed: { expires: string }, now: Date): boolean {
  return Date.parse(signed.expires) <= now.getTime();
}
