/**
 * @module
 * The writing side of a registry's TUF metadata (spec §4): creates root v1 and empty
 * targets/snapshot/timestamp, adds targets (a new targets, snapshot and timestamp version each
 * time), rotates keys (each new root signed by a threshold of the old and of the new root
 * keys), and re-signs for freshness. Consistent snapshots: targets and snapshot are written as
 * `N.targets.json`, `N.snapshot.json`; `timestamp.json` is written last and is the commit point
 * — until it names the new snapshot, clients keep seeing the previous registry state.
 * Runtime-neutral (WebCrypto signing), so a control plane can re-sign timestamps anywhere.
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { ApiError } from "../errors.ts";
import type { NamedStore } from "../ports/named-store.ts";
import { keyId, type Signer } from "../tuf/keys.ts";
import type { Root, RoleKeys, SignedByRole, TargetFile, TopLevelRole, TufKey } from "../tuf/schema.ts";
import { expiresAt, signMetadata, SPEC_VERSION } from "../tuf/sign.ts";
import { parseEnvelope, parseSigned, type Verified, verifyMetadata } from "../tuf/verify.ts";

const DAY = 86_400;

/** How long each role's metadata stays valid, in seconds. Timestamp is short: it is the freshness signal. */
export interface Lifetimes {
  root: number;
  targets: number;
  snapshot: number;
  timestamp: number;
}

export const DEFAULT_LIFETIMES: Lifetimes = {
  root: 365 * DAY,
  targets: 365 * DAY,
  snapshot: 365 * DAY,
  timestamp: DAY,
};

export interface RoleSetup {
  keys: readonly TufKey[];
  threshold: number;
}

export interface RegistryState {
  root: Verified<"root">;
  targets: Verified<"targets">;
  snapshot: Verified<"snapshot">;
  timestamp: Verified<"timestamp">;
}

export interface RegistryVersions {
  root: number;
  targets: number;
  snapshot: number;
  timestamp: number;
}

/** A role's signing keys are not in the keyring (the CLI's "missing key"). */
export class MissingKeyError extends ApiError {
  constructor(role: TopLevelRole, have: number, need: number) {
    super(
      403,
      "missing_key",
      `signing ${role} metadata needs ${need} of its keys; the keyring holds ${have} (see edgefleet keys)`,
    );
  }
}

export class TufRepository {
  private readonly store: NamedStore;
  private readonly now: () => Date;
  readonly lifetimes: Lifetimes;

  constructor(store: NamedStore, options: { now?: () => Date; lifetimes?: Partial<Lifetimes> } = {}) {
    this.store = store;
    this.now = options.now ?? (() => new Date());
    this.lifetimes = { ...DEFAULT_LIFETIMES, ...options.lifetimes };
  }

  async initialized(): Promise<boolean> {
    return (await this.store.get("root.json")) !== null;
  }

  /** Root v1 with these keys, and empty targets, snapshot and timestamp signed under it. */
  async init(roles: Record<TopLevelRole, RoleSetup>, keyring: readonly Signer[]): Promise<RegistryVersions> {
    if (await this.initialized()) {
      throw new ApiError(409, "registry_exists", "this registry already has a root; rotate keys instead");
    }
    const root = await this.buildRoot(1, roles, true);
    const rootBytes = await signMetadata<"root">(root, pick(root, "root", keyring));
    await this.store.put("1.root.json", rootBytes);
    await this.store.put("root.json", rootBytes);
    return this.commitTargets(root, {}, keyring, { targets: 1, snapshot: 1, timestamp: 1 });
  }

  /** The registry's current metadata, each verified under its current root. */
  async state(): Promise<RegistryState> {
    const rootBytes = await this.required("root.json");
    // Root is checked against itself; the others against it.
    const root = await verifyMetadata(rootBytes, "root", parseSigned(parseEnvelope(rootBytes, "root"), "root"));
    return {
      root,
      targets: await verifyMetadata(await this.required("targets.json"), "targets", root.signed),
      snapshot: await verifyMetadata(await this.required("snapshot.json"), "snapshot", root.signed),
      timestamp: await verifyMetadata(await this.required("timestamp.json"), "timestamp", root.signed),
    };
  }

  /** Adds (or replaces) targets: new targets, snapshot and timestamp versions. */
  async addTargets(entries: Record<string, TargetFile>, keyring: readonly Signer[]): Promise<RegistryVersions> {
    const state = await this.state();
    return this.commitTargets(
      state.root.signed,
      { ...state.targets.signed.targets, ...entries },
      keyring,
      nextVersions(state),
    );
  }

  /** Re-signs targets, snapshot and timestamp with fresh expiry dates and the current keys. */
  async resign(keyring: readonly Signer[]): Promise<RegistryVersions> {
    const state = await this.state();
    return this.commitTargets(state.root.signed, state.targets.signed.targets, keyring, nextVersions(state));
  }

  /** Only a new timestamp (what a control plane does every few hours). */
  async refreshTimestamp(keyring: readonly Signer[]): Promise<number> {
    const state = await this.state();
    const snapshotBytes = state.snapshot.bytes;
    const version = state.timestamp.signed.version + 1;
    await this.writeTimestamp(state.root.signed, state.snapshot.signed.version, snapshotBytes, version, keyring);
    return version;
  }

  /**
   * Root v(N+1) with some roles' keys or thresholds changed, signed by a threshold of the old
   * root keys and of the new ones (spec §6.1); then everything else is re-signed under it, so
   * clients that walked to the new root find metadata signed by the new keys.
   */
  async rotate(
    changes: Partial<Record<TopLevelRole, RoleSetup>>,
    keyring: readonly Signer[],
  ): Promise<RegistryVersions> {
    const state = await this.state();
    const old = state.root.signed;
    const roles = {} as Record<TopLevelRole, RoleSetup>;
    for (const role of ["root", "targets", "snapshot", "timestamp"] as const) {
      roles[role] = changes[role] ?? {
        keys: old.roles[role].keyids.flatMap((k) => (old.keys[k] ? [old.keys[k]] : [])),
        threshold: old.roles[role].threshold,
      };
    }
    const root = await this.buildRoot(old.version + 1, roles, old.consistent_snapshot);
    // Every key the rotation needs must be at hand before anything is written.
    for (const role of ["targets", "snapshot", "timestamp"] as const) {
      pick(root, role, keyring);
    }
    const signers = unique([...pick(old, "root", keyring), ...pick(root, "root", keyring)]);
    const rootBytes = await signMetadata<"root">(root, signers);
    await this.store.put(`${root.version}.root.json`, rootBytes);
    await this.store.put("root.json", rootBytes);
    return this.commitTargets(root, state.targets.signed.targets, keyring, nextVersions(state));
  }

  private async buildRoot(version: number, roles: Record<TopLevelRole, RoleSetup>, consistent: boolean): Promise<Root> {
    const keys: Record<string, TufKey> = {};
    const roleKeys = {} as Record<TopLevelRole, RoleKeys>;
    for (const [role, setup] of Object.entries(roles) as Array<[TopLevelRole, RoleSetup]>) {
      const keyids: string[] = [];
      for (const key of setup.keys) {
        const id = await keyId(key);
        keys[id] = key;
        keyids.push(id);
      }
      if (setup.threshold < 1 || setup.threshold > keyids.length) {
        throw new ApiError(400, "invalid_threshold", `${role}: threshold ${setup.threshold} of ${keyids.length} keys`);
      }
      roleKeys[role] = { keyids, threshold: setup.threshold };
    }
    return {
      _type: "root",
      spec_version: SPEC_VERSION,
      version,
      expires: expiresAt(this.now(), this.lifetimes.root),
      consistent_snapshot: consistent,
      keys,
      roles: roleKeys,
    };
  }

  private async commitTargets(
    root: Root,
    targets: Record<string, TargetFile>,
    keyring: readonly Signer[],
    versions: { targets: number; snapshot: number; timestamp: number },
  ): Promise<RegistryVersions> {
    const now = this.now();
    const targetsBytes = await signMetadata<"targets">(
      {
        _type: "targets",
        spec_version: SPEC_VERSION,
        version: versions.targets,
        expires: expiresAt(now, this.lifetimes.targets),
        targets,
      },
      pick(root, "targets", keyring),
    );
    await this.store.put(`${versions.targets}.targets.json`, targetsBytes);
    await this.store.put("targets.json", targetsBytes);
    // Snapshot names targets by version only (python-tuf's default): the targets key's signature
    // covers the content, and a wrong version is a mix-and-match the client names as such.
    const snapshotBytes = await signMetadata<"snapshot">(
      {
        _type: "snapshot",
        spec_version: SPEC_VERSION,
        version: versions.snapshot,
        expires: expiresAt(now, this.lifetimes.snapshot),
        meta: { "targets.json": { version: versions.targets } },
      },
      pick(root, "snapshot", keyring),
    );
    await this.store.put(`${versions.snapshot}.snapshot.json`, snapshotBytes);
    await this.store.put("snapshot.json", snapshotBytes);
    await this.writeTimestamp(root, versions.snapshot, snapshotBytes, versions.timestamp, keyring);
    return { root: root.version, ...versions };
  }

  private async writeTimestamp(
    root: Root,
    snapshotVersion: number,
    snapshotBytes: Uint8Array,
    version: number,
    keyring: readonly Signer[],
  ): Promise<void> {
    // Timestamp pins snapshot's length and hash: snapshot downloads are bounded by its exact size.
    const signed: SignedByRole["timestamp"] = {
      _type: "timestamp",
      spec_version: SPEC_VERSION,
      version,
      expires: expiresAt(this.now(), this.lifetimes.timestamp),
      meta: {
        "snapshot.json": {
          version: snapshotVersion,
          length: snapshotBytes.byteLength,
          hashes: { sha256: await sha256Hex(snapshotBytes) },
        },
      },
    };
    await this.store.put("timestamp.json", await signMetadata<"timestamp">(signed, pick(root, "timestamp", keyring)));
  }

  private async required(name: string): Promise<Uint8Array> {
    const bytes = await this.store.get(name);
    if (!bytes) {
      throw new ApiError(404, "registry_not_initialized", `the registry has no ${name}: run edgefleet keys init`);
    }
    return bytes;
  }
}

function nextVersions(state: RegistryState): { targets: number; snapshot: number; timestamp: number } {
  return {
    targets: state.targets.signed.version + 1,
    snapshot: state.snapshot.signed.version + 1,
    timestamp: state.timestamp.signed.version + 1,
  };
}

/** The keyring's signers for `role` under `root`; at least the threshold, else MissingKeyError. */
export function pick(root: Root, role: TopLevelRole, keyring: readonly Signer[]): Signer[] {
  const wanted = new Set(root.roles[role].keyids);
  const found = unique(keyring.filter((s) => wanted.has(s.keyid)));
  if (found.length < root.roles[role].threshold) {
    throw new MissingKeyError(role, found.length, root.roles[role].threshold);
  }
  return found;
}

function unique(signers: readonly Signer[]): Signer[] {
  const seen = new Set<string>();
  return signers.filter((s) => !seen.has(s.keyid) && seen.add(s.keyid));
}
