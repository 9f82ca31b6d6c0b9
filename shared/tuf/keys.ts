/**
 * @module
 * Ed25519 keys in TUF form, over WebCrypto (the same code in workerd, Node 20 and browsers).
 * Key ids are computed as the spec defines them: the hex sha256 of the key's canonical JSON.
 */
import { sha256Hex, toHex } from "../crypto/sha256.ts";
import { canonicalBytes } from "./canonical.ts";
import { fromHex } from "./hex.ts";
import type { TufKey } from "./schema.ts";

const ED25519 = { name: "Ed25519" } as const;

/** The TUF key object of an Ed25519 public key (32 raw bytes, hex). */
export function ed25519Key(publicHex: string): TufKey {
  return { keytype: "ed25519", scheme: "ed25519", keyval: { public: publicHex } };
}

/** Spec §4.2: KEYID is the hexdigest of the SHA-256 of the canonical form of the key. */
export function keyId(key: TufKey): Promise<string> {
  return sha256Hex(canonicalBytes({ keytype: key.keytype, scheme: key.scheme, keyval: { public: key.keyval.public } }));
}

const importedKeys = new Map<string, Promise<CryptoKey | null>>();

/** The WebCrypto verify key of a TUF key, or null when it is not a well-formed Ed25519 key. */
function verifyKey(key: TufKey): Promise<CryptoKey | null> {
  if (key.keytype !== "ed25519" || key.scheme !== "ed25519") {
    return Promise.resolve(null);
  }
  const raw = fromHex(key.keyval.public);
  if (raw === null || raw.byteLength !== 32) {
    return Promise.resolve(null);
  }
  let imported = importedKeys.get(key.keyval.public);
  if (!imported) {
    imported = crypto.subtle.importKey("raw", raw, ED25519, false, ["verify"]).catch(() => null);
    importedKeys.set(key.keyval.public, imported);
  }
  return imported;
}

/** True when `sigHex` is a valid Ed25519 signature of `message` by `key`. Never throws. */
export async function verifySignature(key: TufKey, sigHex: string, message: Uint8Array): Promise<boolean> {
  const cryptoKey = await verifyKey(key);
  const sig = fromHex(sigHex);
  if (cryptoKey === null || sig === null || sig.byteLength !== 64) {
    return false;
  }
  try {
    return await crypto.subtle.verify(ED25519, cryptoKey, sig, message as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/** Something that signs metadata as one TUF key. */
export interface Signer {
  readonly keyid: string;
  readonly key: TufKey;
  sign(message: Uint8Array): Promise<string>;
}

/** A private key as stored on disk: the JWK WebCrypto exports (`kty: OKP`, `crv: Ed25519`). */
export interface PrivateKeyJwk {
  kty: string;
  crv: string;
  x: string;
  d: string;
}

export interface GeneratedKey {
  signer: Signer;
  privateJwk: PrivateKeyJwk;
}

export async function signerFromJwk(jwk: PrivateKeyJwk, publicHex: string): Promise<Signer> {
  const privateKey = await crypto.subtle.importKey("jwk", { ...jwk, key_ops: ["sign"] }, ED25519, false, ["sign"]);
  const key = ed25519Key(publicHex);
  const keyid = await keyId(key);
  return {
    keyid,
    key,
    async sign(message: Uint8Array): Promise<string> {
      return toHex(new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, message as Uint8Array<ArrayBuffer>)));
    },
  };
}

export async function generateKey(): Promise<GeneratedKey> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  // Typed as ArrayBuffer | JsonWebKey by workerd's types; "raw" always gives bytes.
  const publicHex = toHex(new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer));
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  if (jwk.kty === undefined || jwk.crv === undefined || jwk.x === undefined || jwk.d === undefined) {
    throw new Error("WebCrypto exported an incomplete Ed25519 JWK");
  }
  const privateJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d };
  return { signer: await signerFromJwk(privateJwk, publicHex), privateJwk };
}
