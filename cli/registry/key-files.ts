/**
 * @module
 * The operator's signing keys on disk (`--keys <dir>`, default `.edgefleet/keys`): one JSON
 * file per key, `<role>-<keyid prefix>.json`, readable by the owner only. Keys rotated out
 * move to `retired/`, so old metadata can still be audited but nothing signs with them.
 */
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { generateKey, type PrivateKeyJwk, type Signer, signerFromJwk } from "../../shared/tuf/keys.ts";
import { TOP_LEVEL_ROLES, type TopLevelRole } from "../../shared/tuf/schema.ts";
import { UserError } from "../output.ts";

const KeyFileSchema = z.object({
  role: z.enum(TOP_LEVEL_ROLES),
  keyid: z.string().regex(/^[0-9a-f]{64}$/),
  public: z.string().regex(/^[0-9a-f]{64}$/),
  private_jwk: z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), d: z.string() }),
});

export interface KeyFile {
  role: TopLevelRole;
  signer: Signer;
  path: string;
}

export interface NewKey {
  role: TopLevelRole;
  signer: Signer;
  privateJwk: PrivateKeyJwk;
}

/** A new key in memory: written only once the metadata that names it has been signed. */
export async function newKey(role: TopLevelRole): Promise<NewKey> {
  return { role, ...(await generateKey()) };
}

export async function saveKey(dir: string, key: NewKey): Promise<KeyFile> {
  const { role, signer, privateJwk } = key;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${role}-${signer.keyid.slice(0, 12)}.json`);
  const body = { role, keyid: signer.keyid, public: signer.key.keyval.public, private_jwk: privateJwk };
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  await chmod(path, 0o600);
  return { role, signer, path };
}

/** Every key in `dir` (not in `retired/`). A missing directory is an empty keyring. */
export async function loadKeys(dir: string): Promise<KeyFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).toSorted();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return [];
    }
    throw new UserError(`cannot read keys in ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const keys: KeyFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const parsed = KeyFileSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
    if (!parsed.success) {
      throw new UserError(`${path} is not an edgefleet key file`);
    }
    const signer = await signerFromJwk(parsed.data.private_jwk, parsed.data.public);
    if (signer.keyid !== parsed.data.keyid) {
      throw new UserError(`${path}: the key id does not match the key`);
    }
    keys.push({ role: parsed.data.role, signer, path });
  }
  return keys;
}

export async function retireKey(dir: string, key: KeyFile): Promise<void> {
  await mkdir(join(dir, "retired"), { recursive: true, mode: 0o700 });
  await rename(key.path, join(dir, "retired", key.path.slice(dir.length + 1)));
}

/** Removes a key file written for metadata that then could not be signed. */
export async function discardKey(key: KeyFile): Promise<void> {
  await rm(key.path, { force: true });
}

/**
 * Saves new keys, then runs `sign` (which writes metadata naming them). Keys are on disk
 * before any metadata names them — losing them after would strand the registry — and are
 * removed again if signing fails.
 */
export async function withSavedKeys<T>(
  dir: string,
  keys: NewKey[],
  sign: (saved: KeyFile[]) => Promise<T>,
): Promise<T> {
  const saved: KeyFile[] = [];
  try {
    for (const k of keys) {
      saved.push(await saveKey(dir, k));
    }
    return await sign(saved);
  } catch (error) {
    for (const k of saved) {
      await discardKey(k);
    }
    throw error;
  }
}
