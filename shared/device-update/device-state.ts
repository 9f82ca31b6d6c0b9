/**
 * @module
 * The device's own small state files, as zod schemas: the per-model pointer (the one mutable
 * thing an install changes), the device's configuration, and the outcome of the last sync.
 * They live in a `NamedStore`, whose `put` replaces a file atomically — on Node a temp file,
 * fsync, rename and directory fsync; in a browser an OPFS temp file moved over it — so a reader sees
 * the old pointer or the new one, never a torn one. Every read goes through the schema:
 * the files are on disk, and disks and people edit files.
 */
import { z } from "zod";
import { ModelIdSchema, SemverSchema, Sha256Schema } from "../manifest/model-manifest.ts";
import type { NamedStore } from "../ports/named-store.ts";
import { ChannelSchema } from "./channel.ts";
import { DeviceError } from "./device-error.ts";

const Iso = z.iso.datetime();

/** One installed, verified model version; `manifest_sha256` names its directory. */
export const InstalledVersionSchema = z
  .object({
    version: SemverSchema,
    manifest_sha256: Sha256Schema,
    /** When this device verified every byte of it against the signed manifest. */
    verified_at: Iso,
  })
  .strict();
export type InstalledVersion = z.infer<typeof InstalledVersionSchema>;

export const ModelPointerSchema = z
  .object({
    schema: z.literal("edgefleet.device-pointer/v1"),
    model: ModelIdSchema,
    current: InstalledVersionSchema,
    /** N-1, kept for `rollback` until the next install replaces it. */
    previous: InstalledVersionSchema.nullable(),
    /** The version a person rolled back from: sync does not install it again by itself. */
    rolled_back_from: z.object({ version: SemverSchema, manifest_sha256: Sha256Schema }).strict().nullable(),
  })
  .strict();
export type ModelPointer = z.infer<typeof ModelPointerSchema>;

export const DeviceConfigSchema = z
  .object({
    schema: z.literal("edgefleet.device-config/v1"),
    /** Base URL of the registry read API (`…/metadata/`, `…/targets/` below it). */
    server: z.url({ protocol: /^https?$/ }),
    channel: ChannelSchema,
  })
  .strict();
export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;

export const SyncRecordSchema = z
  .object({
    at: Iso,
    ok: z.boolean(),
    error: z
      .object({ code: z.string().max(64), message: z.string().max(2000) })
      .strict()
      .nullable(),
  })
  .strict();
export type SyncRecord = z.infer<typeof SyncRecordSchema>;

export const CONFIG_FILE = "config.json";
export const LAST_SYNC_FILE = "last-sync.json";
const POINTER_PREFIX = "pointer.";

export function pointerFile(model: string): string {
  return `${POINTER_PREFIX}${ModelIdSchema.parse(model)}.json`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** A state file parsed by its schema; null when absent. A file that does not parse is BAD_STATE. */
export async function readState<T>(store: NamedStore, name: string, schema: z.ZodType<T>): Promise<T | null> {
  const bytes = await store.get(name);
  if (!bytes) {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new DeviceError("BAD_STATE", `${name} is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new DeviceError("BAD_STATE", `${name} is not valid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export async function writeState<T>(store: NamedStore, name: string, schema: z.ZodType<T>, value: T): Promise<void> {
  await store.put(name, encoder.encode(`${JSON.stringify(schema.parse(value), null, 2)}\n`));
}

export function readPointer(store: NamedStore, model: string): Promise<ModelPointer | null> {
  return readState(store, pointerFile(model), ModelPointerSchema);
}

export function writePointer(store: NamedStore, pointer: ModelPointer): Promise<void> {
  return writeState(store, pointerFile(pointer.model), ModelPointerSchema, pointer);
}

/** Every model this device has a pointer for, by name. */
export async function pointedModels(store: NamedStore): Promise<string[]> {
  return (await store.list())
    .filter((n) => n.startsWith(POINTER_PREFIX) && n.endsWith(".json"))
    .map((n) => n.slice(POINTER_PREFIX.length, -".json".length))
    .filter((id) => ModelIdSchema.safeParse(id).success)
    .toSorted();
}

/** The pointer after installing `next`: the old current becomes N-1, the old N-1 is let go. */
export function advancePointer(model: string, old: ModelPointer | null, next: InstalledVersion): ModelPointer {
  return {
    schema: "edgefleet.device-pointer/v1",
    model,
    current: next,
    previous: old ? old.current : null,
    rolled_back_from: null,
  };
}

/**
 * The pointer after `rollback`: current and previous swap, so a second rollback goes forward
 * again, and the version left is remembered so that sync does not reinstall it on its own.
 */
export function rolledBackPointer(pointer: ModelPointer): ModelPointer {
  if (!pointer.previous) {
    throw new DeviceError(
      "NO_PREVIOUS",
      `${pointer.model} has no previous version on this device (only ${pointer.current.version})`,
    );
  }
  return {
    ...pointer,
    current: pointer.previous,
    previous: pointer.current,
    rolled_back_from: { version: pointer.current.version, manifest_sha256: pointer.current.manifest_sha256 },
  };
}
