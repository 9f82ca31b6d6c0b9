/**
 * @module
 * The TUF 1.0 metadata formats (spec §4) as zod schemas. They are applied only to the
 * `signed` part of metadata whose signatures already verified (verify before parse); the
 * envelope schema is the one shape checked before that, to find the signatures at all.
 *
 * `@tufjs/models` has these as classes, but it needs Node's `crypto` and `util`, which
 * workerd lacks without nodejs_compat (off for the edge Worker), so shared/ has its own.
 */
import { z } from "zod";

export const TOP_LEVEL_ROLES = ["root", "targets", "snapshot", "timestamp"] as const;
export type TopLevelRole = (typeof TOP_LEVEL_ROLES)[number];

/** What signature verification needs from raw metadata: the signed object and its signatures. */
export const EnvelopeSchema = z.object({
  signed: z.record(z.string(), z.unknown()),
  signatures: z.array(z.object({ keyid: z.string().min(1).max(128), sig: z.string().max(1024) })).max(64),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Spec version 1.x(.y); clients accept any 1.x, like tuf-js and python-tuf. */
const SpecVersionSchema = z.string().regex(/^1\.\d+(\.\d+)?$/, "spec_version must be 1.x");
/** The spec's form is `YYYY-MM-DDTHH:MM:SSZ`. */
const ExpiresSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, "expires must be UTC ISO 8601");
const VersionSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const HashesSchema = z.record(z.string(), z.string().regex(/^[0-9a-f]+$/)).refine((h) => Object.keys(h).length > 0, {
  message: "hashes must list at least one algorithm",
});

export const KeySchema = z.object({
  keytype: z.string(),
  scheme: z.string(),
  keyval: z.object({ public: z.string() }),
});
export type TufKey = z.infer<typeof KeySchema>;

export const RoleKeysSchema = z.object({
  keyids: z.array(z.string().min(1).max(128)).min(1).max(64),
  threshold: z.number().int().min(1).max(64),
});
export type RoleKeys = z.infer<typeof RoleKeysSchema>;

const common = { spec_version: SpecVersionSchema, version: VersionSchema, expires: ExpiresSchema };

export const RootSchema = z.object({
  _type: z.literal("root"),
  ...common,
  consistent_snapshot: z.boolean(),
  keys: z.record(z.string(), KeySchema),
  roles: z.object({
    root: RoleKeysSchema,
    targets: RoleKeysSchema,
    snapshot: RoleKeysSchema,
    timestamp: RoleKeysSchema,
  }),
});
export type Root = z.infer<typeof RootSchema>;

export const MetaFileSchema = z.object({
  version: VersionSchema,
  length: z.number().int().min(0).optional(),
  hashes: HashesSchema.optional(),
});
export type MetaFile = z.infer<typeof MetaFileSchema>;

export const TimestampSchema = z.object({
  _type: z.literal("timestamp"),
  ...common,
  meta: z.object({ "snapshot.json": MetaFileSchema }),
});
export type Timestamp = z.infer<typeof TimestampSchema>;

export const SnapshotSchema = z.object({
  _type: z.literal("snapshot"),
  ...common,
  meta: z.record(z.string(), MetaFileSchema).refine((m) => "targets.json" in m, {
    message: "snapshot must list targets.json",
  }),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const TargetFileSchema = z.object({
  length: z.number().int().min(0),
  hashes: HashesSchema,
  custom: z.record(z.string(), z.unknown()).optional(),
});
export type TargetFile = z.infer<typeof TargetFileSchema>;

export const TargetsSchema = z.object({
  _type: z.literal("targets"),
  ...common,
  targets: z.record(z.string(), TargetFileSchema),
  /** Delegated roles are valid TUF; this client searches top-level targets only (see client.ts). */
  delegations: z.unknown().optional(),
});
export type Targets = z.infer<typeof TargetsSchema>;

export interface SignedByRole {
  root: Root;
  targets: Targets;
  snapshot: Snapshot;
  timestamp: Timestamp;
}

export const SIGNED_SCHEMAS: { [R in TopLevelRole]: z.ZodType<SignedByRole[R]> } = {
  root: RootSchema,
  targets: TargetsSchema,
  snapshot: SnapshotSchema,
  timestamp: TimestampSchema,
};
