/**
 * @module
 * `edgefleet keys init|rotate|resign`: the registry's Ed25519 signing keys and the TUF root
 * that names them. `init` makes one key per role (more root keys with --root-keys) and root
 * v1; `rotate` replaces the keys of some roles with a new root version signed by the old and
 * the new root keys; `resign` renews expiry dates (the timestamp lives a day by default).
 * `create|list|revoke` manage tenants' API keys (./api-keys.ts).
 */
import { defineCommand } from "citty";
import type { Signer } from "../../shared/tuf/keys.ts";
import { TOP_LEVEL_ROLES, type TopLevelRole } from "../../shared/tuf/schema.ts";
import { jsonArg, printResult, UserError } from "../output.ts";
import { keysArg, registryArg, timestampArg, timestampExpiresSeconds } from "../registry/common-args.ts";
import { loadKeys, newKey, type NewKey, retireKey, withSavedKeys } from "../registry/key-files.ts";
import { openRegistry, withWriteLock } from "../registry/open-registry.ts";
import { asUserErrors } from "../registry/user-errors.ts";
import { initRegistry } from "../registry/init-registry.ts";
import { apiKeyCommands } from "./api-keys.ts";

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    throw new UserError(`--${name} must be a whole number from 1 to 16`);
  }
  return n;
}

const initCommand = defineCommand({
  meta: { name: "init", description: "Create signing keys and the registry's root metadata (v1)" },
  args: {
    registry: registryArg,
    keys: keysArg,
    "root-keys": { type: "string", description: "How many root keys to create", default: "1" },
    "root-threshold": { type: "string", description: "How many root keys must sign a new root", default: "1" },
    "timestamp-expires": timestampArg,
    json: jsonArg,
  },
  async run({ args }) {
    const rootKeys = positiveInt(args["root-keys"], "root-keys");
    const threshold = positiveInt(args["root-threshold"], "root-threshold");
    if (threshold > rootKeys) {
      throw new UserError(`--root-threshold ${threshold} is more than --root-keys ${rootKeys}`);
    }
    if ((await loadKeys(args.keys)).length > 0) {
      throw new UserError(`${args.keys} already holds keys; use edgefleet keys rotate`);
    }
    const registry = openRegistry(args.registry, {
      timestampSeconds: timestampExpiresSeconds(args["timestamp-expires"]),
    });
    if (await registry.repository.initialized()) {
      throw new UserError(`${args.registry} already has a root; use edgefleet keys rotate`);
    }
    const { versions, saved } = await initRegistry(registry, args.keys, { rootKeys, rootThreshold: threshold });
    const keys = saved.map((k) => ({ role: k.role, keyid: k.signer.keyid, file: k.path }));
    printResult(args.json, { registry: args.registry, versions, keys }, () =>
      [
        `Registry ${args.registry} initialized (root v${versions.root}).`,
        ...keys.map((k) => `  ${k.role.padEnd(9)} ${k.keyid.slice(0, 16)}…  ${k.file}`),
        "Keep the root key(s) offline; targets, snapshot and timestamp keys sign every publish.",
      ].join("\n"),
    );
  },
});

function parseRoles(text: string): TopLevelRole[] {
  const roles = text.split(",").map((r) => r.trim());
  for (const r of roles) {
    if (!(TOP_LEVEL_ROLES as readonly string[]).includes(r)) {
      throw new UserError(`unknown role ${JSON.stringify(r)}: use ${TOP_LEVEL_ROLES.join(", ")}`);
    }
  }
  return [...new Set(roles)] as TopLevelRole[];
}

const rotateCommand = defineCommand({
  meta: {
    name: "rotate",
    description: "Replace the keys of some roles: a new root version signed by the old and the new root keys",
  },
  args: {
    role: {
      type: "string",
      description: "Roles to rotate, comma-separated (root,targets,snapshot,timestamp)",
      required: true,
    },
    registry: registryArg,
    keys: keysArg,
    "timestamp-expires": timestampArg,
    json: jsonArg,
  },
  async run({ args }) {
    const roles = parseRoles(args.role);
    const registry = openRegistry(args.registry, {
      timestampSeconds: timestampExpiresSeconds(args["timestamp-expires"]),
    });
    const existing = await loadKeys(args.keys);
    const result = await withWriteLock(args.registry, () =>
      asUserErrors(async () => {
        const root = (await registry.repository.state()).root.signed;
        const fresh: NewKey[] = [];
        for (const role of roles) {
          for (let i = 0; i < root.roles[role].threshold; i++) {
            fresh.push(await newKey(role));
          }
        }
        const changes: Partial<Record<TopLevelRole, { keys: Signer["key"][]; threshold: number }>> = {};
        for (const role of roles) {
          changes[role] = {
            keys: fresh.filter((k) => k.role === role).map((k) => k.signer.key),
            threshold: root.roles[role].threshold,
          };
        }
        const keyring = [...existing, ...fresh].map((k) => k.signer);
        const { made, versions } = await withSavedKeys(args.keys, fresh, async (files) => ({
          made: files,
          versions: await registry.repository.rotate(changes, keyring),
        }));
        const retired = existing.filter((k) => roles.includes(k.role));
        for (const k of retired) {
          await retireKey(args.keys, k);
        }
        return { versions, made, retired };
      }),
    );
    printResult(
      args.json,
      {
        versions: result.versions,
        new_keys: result.made.map((k) => ({ role: k.role, keyid: k.signer.keyid, file: k.path })),
        retired: result.retired.map((k) => k.signer.keyid),
      },
      () =>
        [
          `Root v${result.versions.root}: new ${roles.join(", ")} key(s); old ones moved to ${args.keys}/retired/.`,
          ...result.made.map((k) => `  ${k.role.padEnd(9)} ${k.signer.keyid.slice(0, 16)}…  ${k.path}`),
          "Clients walk to the new root on their next refresh.",
        ].join("\n"),
    );
  },
});

const resignCommand = defineCommand({
  meta: {
    name: "resign",
    description: "Re-sign metadata with fresh expiry dates (timestamp only with --timestamp-only)",
  },
  args: {
    registry: registryArg,
    keys: keysArg,
    "timestamp-only": { type: "boolean", description: "Only a new timestamp", default: false },
    "timestamp-expires": timestampArg,
    json: jsonArg,
  },
  async run({ args }) {
    const registry = openRegistry(args.registry, {
      timestampSeconds: timestampExpiresSeconds(args["timestamp-expires"]),
    });
    const keyring = (await loadKeys(args.keys)).map((k) => k.signer);
    const versions = await withWriteLock(args.registry, () =>
      asUserErrors(async () =>
        args["timestamp-only"]
          ? { timestamp: await registry.repository.refreshTimestamp(keyring) }
          : registry.repository.resign(keyring),
      ),
    );
    printResult(args.json, { versions }, () => `Re-signed: ${JSON.stringify(versions)}`);
  },
});

export const keysCommand = defineCommand({
  meta: {
    name: "keys",
    description: "Registry signing keys (init, rotate, resign) and tenants' API keys (create, list, revoke)",
  },
  subCommands: { init: initCommand, rotate: rotateCommand, resign: resignCommand, ...apiKeyCommands },
});
