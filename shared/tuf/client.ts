/**
 * @module
 * The verifying TUF client (spec 1.0 §5, "detailed client workflow") that edges, Node devices
 * and browsers share: web-standard APIs only (fetch, WebCrypto). It walks root versions one by
 * one, then updates timestamp, snapshot and targets, and downloads targets by their signed
 * length and hashes.
 *
 * Persistence differs from the spec in one safe way: each new root is persisted as soon as it
 * verifies (so a key revocation takes effect even if the rest of the update fails), but
 * timestamp, snapshot and targets are written together only after all three verified. A
 * rejected update therefore leaves the trusted files byte-identical — exactly the state a
 * spec client would have after a crash just before its first write, which the spec tolerates.
 *
 * Delegated targets roles are not searched yet: targets are looked up in top-level targets.
 */
import type { NamedStore } from "../ports/named-store.ts";
import { type Fetch, fetchCapped } from "./download.ts";
import { TufError } from "./errors.ts";
import { checkLengthAndHashes } from "./hashes.ts";
import { RetiredKeys } from "./retired-keys.ts";
import type { MetaFile, Root, TargetFile, TopLevelRole } from "./schema.ts";
import { targetFilePath } from "./target-path.ts";
import { checkSignatures, isExpired, parseEnvelope, parseSigned, type Verified, verifyMetadata } from "./verify.ts";

export interface TufLimits {
  rootMaxBytes: number;
  timestampMaxBytes: number;
  /** Used when timestamp does not give snapshot's length. */
  snapshotMaxBytes: number;
  /** Used when snapshot does not give targets' length. */
  targetsMaxBytes: number;
  maxRootRotations: number;
}

/** tuf-js's defaults, so both clients draw the endless-data line at the same byte. */
export const DEFAULT_TUF_LIMITS: TufLimits = {
  rootMaxBytes: 512_000,
  timestampMaxBytes: 16_384,
  snapshotMaxBytes: 2_000_000,
  targetsMaxBytes: 5_000_000,
  maxRootRotations: 256,
};

export interface TufClientOptions {
  /** Base URL of the metadata (`…/metadata/`). */
  metadataUrl: string;
  /** Base URL of the target files (`…/targets/`). */
  targetsUrl: string;
  /** The client's trusted metadata; must hold a trusted `root.json` (see `TufClient.trust`). */
  store: NamedStore;
  fetch?: Fetch;
  /** The clock; read once per refresh (spec §5.1). */
  now?: () => Date;
  limits?: Partial<TufLimits>;
}

export interface TrustedVersions {
  root: number;
  timestamp: number;
  snapshot: number;
  targets: number;
}

interface TrustedSet {
  root: Verified<"root">;
  timestamp: Verified<"timestamp">;
  snapshot: Verified<"snapshot">;
  targets: Verified<"targets">;
}

const TRUSTED_FILES = {
  root: "root.json",
  timestamp: "timestamp.json",
  snapshot: "snapshot.json",
  targets: "targets.json",
};

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function sameKeys(a: Root, b: Root, role: TopLevelRole): boolean {
  const x = a.roles[role];
  const y = b.roles[role];
  return x.threshold === y.threshold && x.keyids.toSorted().join() === y.keyids.toSorted().join();
}

export class TufClient {
  private readonly metadataUrl: string;
  private readonly targetsUrl: string;
  private readonly store: NamedStore;
  private readonly fetcher: Fetch;
  private readonly now: () => Date;
  private readonly limits: TufLimits;
  private trusted: TrustedSet | null = null;

  constructor(options: TufClientOptions) {
    this.metadataUrl = withSlash(options.metadataUrl);
    this.targetsUrl = withSlash(options.targetsUrl);
    this.store = options.store;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? (() => new Date());
    this.limits = { ...DEFAULT_TUF_LIMITS, ...options.limits };
  }

  /**
   * Installs `rootBytes` as the trust anchor of an empty store (the root shipped with a device
   * or handed over out of band). It must be signed by a threshold of its own root keys.
   */
  static async trust(store: NamedStore, rootBytes: Uint8Array): Promise<number> {
    const root = await verifySelfSigned(rootBytes);
    await store.put(TRUSTED_FILES.root, rootBytes);
    return root.signed.version;
  }

  /** Updates the trusted metadata from the repository (spec §5.2–§5.6). */
  async refresh(): Promise<TrustedVersions> {
    const start = this.now();
    const stored = await this.store.get(TRUSTED_FILES.root);
    if (!stored) {
      throw new TufError("NOT_INITIALIZED", "root", "no trusted root.json in the client's store");
    }
    let root = await verifySelfSigned(stored);
    let retired = await RetiredKeys.load(this.store);
    root = await this.walkRoots(root, retired, (r) => {
      retired = r;
    });
    if (isExpired(root.signed, start)) {
      throw new TufError("EXPIRED", "root", `root v${root.signed.version} expired at ${root.signed.expires}`);
    }
    // Earlier trusted metadata, only as the floor for rollback checks. What no longer verifies
    // under the current root (its keys were rotated) is dropped: fast-forward recovery, §5.3.11.
    const oldTimestamp = await this.loadTrusted("timestamp", root.signed, retired.keyids);
    const oldSnapshot = await this.loadTrusted("snapshot", root.signed, retired.keyids);
    const oldTargets = await this.loadTrusted("targets", root.signed, retired.keyids);

    const timestamp = await this.updateTimestamp(root.signed, retired.keyids, oldTimestamp, start);
    const snapshot = await this.updateSnapshot(root.signed, retired.keyids, timestamp, oldSnapshot, start);
    const targets = await this.updateTargets(root.signed, retired.keyids, snapshot, oldTargets, start);

    // Every check passed: persist what changed, timestamp last.
    for (const [old, next] of [
      [oldTargets, targets],
      [oldSnapshot, snapshot],
      [oldTimestamp, timestamp],
    ] as const) {
      if (old !== next) {
        await this.store.put(TRUSTED_FILES[next.role], next.bytes);
      }
    }
    this.trusted = { root, timestamp, snapshot, targets };
    return {
      root: root.signed.version,
      timestamp: timestamp.signed.version,
      snapshot: snapshot.signed.version,
      targets: targets.signed.version,
    };
  }

  /** §5.3: fetch N+1.root.json until there is none; each must be signed by the old and the new root. */
  private async walkRoots(
    start: Verified<"root">,
    retiredAtStart: RetiredKeys,
    onRetired: (r: RetiredKeys) => void,
  ): Promise<Verified<"root">> {
    let root = start;
    let retired = retiredAtStart;
    for (let i = 0; i < this.limits.maxRootRotations; i++) {
      const next = root.signed.version + 1;
      const bytes = await fetchCapped(
        this.fetcher,
        `${this.metadataUrl}${next}.root.json`,
        this.limits.rootMaxBytes,
        "root",
      );
      if (!bytes) {
        break;
      }
      const envelope = parseEnvelope(bytes, "root");
      await checkSignatures(envelope, "root", root.signed, retired.keyids);
      const signed = parseSigned(envelope, "root");
      if (signed.version !== next) {
        const code = signed.version < next ? "ROLLBACK" : "VERSION_MISMATCH";
        throw new TufError(code, "root", `${next}.root.json holds version ${signed.version}`);
      }
      await checkSignatures(envelope, "root", signed, retired.keyids);
      retired = retired.after(root.signed, signed);
      await this.store.put(TRUSTED_FILES.root, bytes);
      await retired.save(this.store);
      if (!sameKeys(root.signed, signed, "timestamp") || !sameKeys(root.signed, signed, "snapshot")) {
        await this.store.delete(TRUSTED_FILES.timestamp);
        await this.store.delete(TRUSTED_FILES.snapshot);
      }
      root = { role: "root", bytes, signed };
      onRetired(retired);
    }
    return root;
  }

  private async loadTrusted<R extends "timestamp" | "snapshot" | "targets">(
    role: R,
    root: Root,
    retired: ReadonlySet<string>,
  ): Promise<Verified<R> | null> {
    const bytes = await this.store.get(TRUSTED_FILES[role]);
    if (!bytes) {
      return null;
    }
    try {
      return await verifyMetadata(bytes, role, root, retired);
    } catch {
      return null;
    }
  }

  /** §5.4 */
  private async updateTimestamp(
    root: Root,
    retired: ReadonlySet<string>,
    old: Verified<"timestamp"> | null,
    start: Date,
  ): Promise<Verified<"timestamp">> {
    const bytes = await this.required("timestamp.json", this.limits.timestampMaxBytes, "timestamp");
    let next = await verifyMetadata(bytes, "timestamp", root, retired);
    if (old) {
      if (next.signed.version < old.signed.version) {
        throw new TufError("ROLLBACK", "timestamp", `version ${next.signed.version} < trusted ${old.signed.version}`);
      }
      if (next.signed.version === old.signed.version) {
        next = old;
      } else if (next.signed.meta["snapshot.json"].version < old.signed.meta["snapshot.json"].version) {
        throw new TufError("ROLLBACK", "snapshot", "timestamp names a snapshot older than the trusted one");
      }
    }
    if (isExpired(next.signed, start)) {
      throw new TufError("EXPIRED", "timestamp", `timestamp v${next.signed.version} expired at ${next.signed.expires}`);
    }
    return next;
  }

  /** §5.5 */
  private async updateSnapshot(
    root: Root,
    retired: ReadonlySet<string>,
    timestamp: Verified<"timestamp">,
    old: Verified<"snapshot"> | null,
    start: Date,
  ): Promise<Verified<"snapshot">> {
    const meta = timestamp.signed.meta["snapshot.json"];
    let next: Verified<"snapshot">;
    if (old && old.signed.version === meta.version && (await matches(old.bytes, meta))) {
      next = old;
    } else {
      const name = root.consistent_snapshot ? `${meta.version}.snapshot.json` : "snapshot.json";
      const bytes = await this.required(name, meta.length ?? this.limits.snapshotMaxBytes, "snapshot");
      await checkLengthAndHashes(bytes, meta, "snapshot");
      next = await verifyMetadata(bytes, "snapshot", root, retired);
      if (old) {
        for (const [file, info] of Object.entries(old.signed.meta)) {
          const now = next.signed.meta[file];
          if (!now || now.version < info.version) {
            throw new TufError("ROLLBACK", file, `snapshot v${next.signed.version} drops or lowers ${file}`);
          }
        }
      }
      if (next.signed.version !== meta.version) {
        throw new TufError(
          "VERSION_MISMATCH",
          "snapshot",
          `got v${next.signed.version}, timestamp names v${meta.version}`,
        );
      }
    }
    if (isExpired(next.signed, start)) {
      throw new TufError("EXPIRED", "snapshot", `snapshot v${next.signed.version} expired at ${next.signed.expires}`);
    }
    return next;
  }

  /** §5.6 */
  private async updateTargets(
    root: Root,
    retired: ReadonlySet<string>,
    snapshot: Verified<"snapshot">,
    old: Verified<"targets"> | null,
    start: Date,
  ): Promise<Verified<"targets">> {
    const meta = snapshot.signed.meta["targets.json"];
    if (!meta) {
      throw new TufError("BAD_METADATA", "snapshot", "snapshot does not list targets.json");
    }
    let next: Verified<"targets">;
    if (old && old.signed.version === meta.version && (await matches(old.bytes, meta))) {
      next = old;
    } else {
      const name = root.consistent_snapshot ? `${meta.version}.targets.json` : "targets.json";
      const bytes = await this.required(name, meta.length ?? this.limits.targetsMaxBytes, "targets");
      await checkLengthAndHashes(bytes, meta, "targets");
      next = await verifyMetadata(bytes, "targets", root, retired);
      if (next.signed.version !== meta.version) {
        throw new TufError(
          "VERSION_MISMATCH",
          "targets",
          `got v${next.signed.version}, snapshot names v${meta.version}`,
        );
      }
    }
    if (isExpired(next.signed, start)) {
      throw new TufError("EXPIRED", "targets", `targets v${next.signed.version} expired at ${next.signed.expires}`);
    }
    return next;
  }

  private async required(name: string, maxLength: number, role: TopLevelRole): Promise<Uint8Array> {
    const bytes = await fetchCapped(this.fetcher, `${this.metadataUrl}${name}`, maxLength, role);
    if (!bytes) {
      throw new TufError("DOWNLOAD_FAILED", role, `the repository has no ${name}`);
    }
    return bytes;
  }

  private get set(): TrustedSet {
    if (!this.trusted) {
      throw new TufError("NOT_INITIALIZED", "targets", "call refresh() first");
    }
    return this.trusted;
  }

  /** The trusted root after the last refresh. */
  get root(): Root {
    return this.set.root.signed;
  }

  /** Every target of the trusted top-level targets metadata. */
  targets(): Array<[string, TargetFile]> {
    return Object.entries(this.set.targets.signed.targets);
  }

  /** The signed length and hashes of a target. */
  targetInfo(path: string): TargetFile {
    const target = this.set.targets.signed.targets[path];
    if (!target) {
      throw new TufError("TARGET_NOT_FOUND", path, `targets v${this.set.targets.signed.version} has no such target`);
    }
    return target;
  }

  /** Downloads a target (§5.7): at most its signed length, then its hashes are checked. */
  async fetchTarget(path: string): Promise<Uint8Array> {
    const target = this.targetInfo(path);
    const file = targetFilePath(path, target, this.root.consistent_snapshot);
    const url = `${this.targetsUrl}${file.split("/").map(encodeURIComponent).join("/")}`;
    const bytes = await fetchCapped(this.fetcher, url, target.length, path);
    if (!bytes) {
      throw new TufError("DOWNLOAD_FAILED", path, "the repository has no such target file");
    }
    await checkLengthAndHashes(bytes, target, path);
    return bytes;
  }
}

async function verifySelfSigned(bytes: Uint8Array): Promise<Verified<"root">> {
  const envelope = parseEnvelope(bytes, "root");
  const signed = parseSigned(envelope, "root");
  await checkSignatures(envelope, "root", signed);
  return { role: "root", bytes, signed };
}

async function matches(bytes: Uint8Array, meta: MetaFile): Promise<boolean> {
  try {
    await checkLengthAndHashes(bytes, meta, "trusted");
    return true;
  } catch {
    return false;
  }
}
