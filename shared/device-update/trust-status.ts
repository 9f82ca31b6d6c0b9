/**
 * @module
 * How fresh the device's trusted metadata is, read offline from what the TUF client persisted
 * (those bytes verified before they were written, so only the schema is applied here): the
 * versions, the earliest expiry among root, timestamp, snapshot and targets, and whether that
 * moment has passed by the device's effective time. A device past it keeps running its last
 * verified model and says so; it installs nothing new until a refresh succeeds online.
 */
import type { NamedStore } from "../ports/named-store.ts";
import { SIGNED_SCHEMAS, type TopLevelRole } from "../tuf/schema.ts";
import { parseEnvelope } from "../tuf/verify.ts";
import { effectiveNow, readTrustedTime } from "./trusted-time.ts";

export interface TrustStatus {
  /** False on a device that has never completed a refresh (it may still hold a root). */
  synced: boolean;
  versions: Partial<Record<TopLevelRole, number>>;
  /** The earliest `expires` of the trusted metadata: after it the device is running on expired metadata. */
  expires: string | null;
  /** Which role expires first. */
  expiresRole: TopLevelRole | null;
  expired: boolean;
  latestTrustedTime: string | null;
}

const FILES: Record<TopLevelRole, string> = {
  root: "root.json",
  timestamp: "timestamp.json",
  snapshot: "snapshot.json",
  targets: "targets.json",
};

export async function trustStatus(store: NamedStore, clock: Date): Promise<TrustStatus> {
  const versions: Partial<Record<TopLevelRole, number>> = {};
  let expires: Date | null = null;
  let expiresRole: TopLevelRole | null = null;
  for (const role of ["root", "timestamp", "snapshot", "targets"] as const) {
    const bytes = await store.get(FILES[role]);
    if (!bytes) {
      continue;
    }
    const signed = SIGNED_SCHEMAS[role].safeParse(parseEnvelope(bytes, role).signed);
    if (!signed.success) {
      continue;
    }
    versions[role] = signed.data.version;
    const at = new Date(signed.data.expires);
    if (!expires || at.getTime() < expires.getTime()) {
      expires = at;
      expiresRole = role;
    }
  }
  const trusted = await readTrustedTime(store);
  const now = effectiveNow(clock, trusted);
  return {
    synced: versions.timestamp !== undefined && versions.targets !== undefined,
    versions,
    expires: expires ? expires.toISOString() : null,
    expiresRole,
    expired: expires !== null && expires.getTime() <= now.getTime(),
    latestTrustedTime: trusted ? trusted.toISOString() : null,
  };
}
