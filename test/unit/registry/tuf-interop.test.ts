// An edgefleet registry is real TUF: tuf-js (the npm CLI's TUF client) refreshes it over
// HTTP and verifies its targets, before and after key rotations. On every attack below
// edgefleet's client and tuf-js agree —
// both accept or both reject — ours with its own error code, its trusted files untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultModelSources } from "../../../cli/models/default-models.ts";
import { readModelInput } from "../../../cli/registry/model-input.ts";
import { FsNamedStore } from "../../../adapters/node/fs-named-store.ts";
import { ModelManifestSchema } from "../../../shared/manifest/model-manifest.ts";
import { manifestTarget } from "../../../shared/registry/layout.ts";
import { type ModelDraft, publishModel } from "../../../shared/registry/publish.ts";
import { generateKey, type Signer } from "../../../shared/tuf/keys.ts";
import type { Root, Timestamp } from "../../../shared/tuf/schema.ts";
import { expiresAt, signMetadata } from "../../../shared/tuf/sign.ts";
import { parseEnvelope, parseSigned } from "../../../shared/tuf/verify.ts";
import {
  allSigners,
  type Keyring,
  makeKeys,
  type RegistryServer,
  startRegistry,
  type TestRegistry,
} from "../../support/registry-fixture.ts";
import {
  advance,
  type ClientDirs,
  cloneClients,
  freshClients,
  runBoth,
  runOurs,
  type Verdicts,
} from "../../support/tuf-runners.ts";

const ID = "silero-vad";
const MODEL_FILE = "silero_vad.onnx";

let keys: Keyring;
let registry: TestRegistry;
let server: RegistryServer;
let draft: ModelDraft;
let keyring: Signer[];
let root1: Uint8Array;
/** Client states: trusting registry state v2 (one version published), v3 (two). */
let atV2: ClientDirs;
let atV3: ClientDirs;
let timestampV2: Uint8Array;
let targetsV2: Uint8Array;
/** Rows of the agreement table (printed with EDGEFLEET_PRINT_TUF_TABLE=1). */
const table: string[] = [];

async function publish(version: string): Promise<void> {
  const result = await publishModel(
    { ...draft, version },
    { blobs: registry.blobs, repository: registry.repository, keyring },
  );
  expect(result.status).toBe("published");
}

async function metadata(name: string): Promise<Uint8Array> {
  const bytes = await registry.metadata.get(name);
  if (!bytes) {
    throw new Error(`registry has no ${name}`);
  }
  return bytes;
}

async function currentTimestamp(): Promise<Timestamp> {
  return parseSigned(parseEnvelope(await metadata("timestamp.json"), "timestamp"), "timestamp");
}

async function currentRoot(): Promise<Root> {
  return parseSigned(parseEnvelope(await metadata("root.json"), "root"), "root");
}

/** Serves `bytes` instead of the registry's answer for exactly `path`. */
function serve(path: string, bytes: Uint8Array | ((honest: Uint8Array) => Uint8Array)): void {
  server.tamper = async (request, honest) => {
    if (new URL(request.url).pathname !== path) {
      return undefined;
    }
    const body =
      typeof bytes === "function" ? bytes(new Uint8Array(await (await honest(request)).arrayBuffer())) : bytes;
    return new Response(body as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/octet-stream" } });
  };
}

function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

/** What a user of either client would notice; also a row of the agreement table. */
function outcome(name: string, v: Verdicts): { ours: string; tufjs: string; trustedStateKept: boolean } {
  table.push(`| ${name} | ${v.ours.code} | ${v.tufjs.code} | ${v.ours.ok === v.tufjs.ok ? "yes" : "NO"} |`);
  return { ours: v.ours.code, tufjs: v.tufjs.ok ? "accepts" : "rejects", trustedStateKept: v.oursUnchanged };
}

/** Both reject; ours says why with `code` and leaves its trusted files byte-identical. */
function rejected(code: string): { ours: string; tufjs: string; trustedStateKept: boolean } {
  return { ours: code, tufjs: "rejects", trustedStateKept: true };
}

const ACCEPTED = { ours: "OK", tufjs: "accepts", trustedStateKept: expect.any(Boolean) };

beforeAll(async () => {
  // Timestamp needs 2 of 2 keys, so a duplicated signature of one key is a real bypass attempt.
  ({ keys, registry, server } = await startRegistry({ keys: { timestamp: 2 }, thresholds: { timestamp: 2 } }));
  keyring = allSigners(keys);
  root1 = await metadata("1.root.json");
  const vad = defaultModelSources().find((s) => s.id === ID);
  if (!vad) {
    throw new Error("no VAD model source");
  }
  draft = await readModelInput(vad.model, { id: ID, version: "4.0.0", task: "vad" });
  await publish("4.0.0");
  timestampV2 = await metadata("timestamp.json");
  targetsV2 = await metadata("2.targets.json");
  atV2 = await freshClients(root1);
  await advance(server, atV2);
  await publish("4.0.1");
  atV3 = await cloneClients(atV2);
  await advance(server, atV3);
});

afterAll(async () => {
  await server.close();
  if (process.env.EDGEFLEET_PRINT_TUF_TABLE === "1") {
    console.log(["| case | edgefleet | tuf-js | agree |", "|---|---|---|---|", ...table].join("\n"));
  }
});

describe("tuf-js reads an edgefleet registry", () => {
  it("refreshes from root v1 and downloads and verifies a manifest target and a model file target", async () => {
    const clients = await freshClients(root1);
    const manifest = await runBoth(server, clients, { kind: "manifest", id: ID, version: "4.0.1" });
    expect(outcome("honest registry: manifest target", manifest)).toEqual(ACCEPTED);
    const file = await runBoth(server, clients, { kind: "file", id: ID, version: "4.0.1", name: MODEL_FILE });
    expect(outcome("honest registry: model file (from chunks)", file)).toEqual(ACCEPTED);
    // Consistent snapshots: versioned metadata and hash-prefixed target paths.
    expect(server.requests).toContain("/metadata/3.snapshot.json");
    expect(server.requests).toContain("/metadata/3.targets.json");
    expect(server.requests.some((p) => /^\/targets\/silero-vad\/4\.0\.1\/[0-9a-f]{64}\.manifest\.json$/.test(p))).toBe(
      true,
    );
  });
});

describe("attacks (G1): both clients reject, edgefleet names each with its own code", () => {
  afterAll(() => {
    server.tamper = undefined;
  });

  it("rollback: an older, validly signed timestamp", async () => {
    serve("/metadata/timestamp.json", timestampV2);
    expect(outcome("rollback (timestamp v2 after v3)", await runBoth(server, atV3))).toEqual(rejected("ROLLBACK"));
  });

  it("freeze: a timestamp past its expiry", async () => {
    const t = await currentTimestamp();
    const stale = { ...t, version: t.version + 1, expires: expiresAt(new Date(), -60) };
    serve("/metadata/timestamp.json", await signMetadata<"timestamp">(stale, keys.timestamp));
    expect(outcome("freeze (expired timestamp)", await runBoth(server, atV3))).toEqual(rejected("EXPIRED"));
  });

  it("mix-and-match: the new snapshot with targets from an older snapshot", async () => {
    serve("/metadata/3.targets.json", targetsV2);
    expect(outcome("mix-and-match (targets v2 served as v3)", await runBoth(server, atV2))).toEqual(
      rejected("VERSION_MISMATCH"),
    );
  });

  it("endless data: metadata and targets longer than allowed", async () => {
    // Whitespace keeps the timestamp's signature valid: only the length cap stops it.
    serve("/metadata/timestamp.json", (honest) => {
      const padded = new Uint8Array(honest.byteLength + 20_000).fill(0x20);
      padded.set(honest);
      return padded;
    });
    expect(outcome("endless data (timestamp > 16 KiB)", await runBoth(server, atV3))).toEqual(
      rejected("LENGTH_EXCEEDED"),
    );
    server.tamper = async (request, honest) => {
      if (!new URL(request.url).pathname.endsWith("manifest.json")) {
        return undefined;
      }
      const body = new Uint8Array(await (await honest(request)).arrayBuffer());
      const endless = new Uint8Array(body.byteLength + 1_000_000);
      endless.set(body);
      return new Response(endless);
    };
    expect(
      outcome(
        "endless data (manifest target + 1 MB)",
        await runBoth(server, atV3, { kind: "manifest", id: ID, version: "4.0.1" }),
      ),
    ).toEqual(rejected("LENGTH_EXCEEDED"));
  });

  it("wrong key: a timestamp signed by keys root never named", async () => {
    const attacker = [(await generateKey()).signer, (await generateKey()).signer];
    const t = await currentTimestamp();
    serve("/metadata/timestamp.json", await signMetadata<"timestamp">({ ...t, version: t.version + 1 }, attacker));
    expect(outcome("wrong key (attacker's own key ids)", await runBoth(server, atV3))).toEqual(rejected("UNKNOWN_KEY"));
  });

  it("wrong key: an attacker's signatures filed under the real key ids", async () => {
    const attacker = (await generateKey()).signer;
    const forged = keys.timestamp.map((real) => ({ keyid: real.keyid, key: real.key, sign: attacker.sign }));
    const t = await currentTimestamp();
    serve("/metadata/timestamp.json", await signMetadata<"timestamp">({ ...t, version: t.version + 1 }, forged));
    expect(outcome("wrong key (forged under real key ids)", await runBoth(server, atV3))).toEqual(
      rejected("BAD_SIGNATURE"),
    );
  });

  it("threshold bypass: one of two timestamp keys, its signature listed twice", async () => {
    const [one] = keys.timestamp;
    if (!one) {
      throw new Error("no timestamp key");
    }
    const t = await currentTimestamp();
    serve("/metadata/timestamp.json", await signMetadata<"timestamp">({ ...t, version: t.version + 1 }, [one, one]));
    expect(outcome("threshold bypass (duplicate key ids)", await runBoth(server, atV3))).toEqual(
      rejected("THRESHOLD_NOT_MET"),
    );
  });

  it("tampered manifest: one byte of the manifest target changed", async () => {
    server.tamper = async (request, honest) =>
      new URL(request.url).pathname.endsWith("manifest.json")
        ? new Response(
            flipByte(new Uint8Array(await (await honest(request)).arrayBuffer()), 40) as Uint8Array<ArrayBuffer>,
          )
        : undefined;
    expect(
      outcome("tampered manifest", await runBoth(server, atV3, { kind: "manifest", id: ID, version: "4.0.1" })),
    ).toEqual(rejected("HASH_MISMATCH"));
  });

  it("tampered chunk: one byte of one chunk changed (and of the model file assembled from it)", async () => {
    const info = (await registry.repository.state()).targets.signed.targets[manifestTarget(ID, "4.0.1")];
    const manifestBytes = info?.hashes.sha256 ? await registry.blobs.get(info.hashes.sha256) : null;
    const manifest = ModelManifestSchema.parse(JSON.parse(new TextDecoder().decode(manifestBytes ?? new Uint8Array())));
    const file = manifest.files[0];
    const chunk = file?.chunks?.[3];
    if (!file || !chunk || !file.chunks) {
      throw new Error("model has fewer than 4 chunks");
    }
    const offset = file.chunks.slice(0, 3).reduce((s, c) => s + c.size, 0);
    server.tamper = async (request, honest) => {
      const path = new URL(request.url).pathname;
      if (path === `/chunks/${chunk.sha256}`) {
        return new Response(
          flipByte(new Uint8Array(await (await honest(request)).arrayBuffer()), 7) as Uint8Array<ArrayBuffer>,
        );
      }
      if (path.endsWith(`${file.sha256}.${file.name}`)) {
        const whole = new Uint8Array(await (await honest(request)).arrayBuffer());
        return new Response(flipByte(whole, offset + 7) as Uint8Array<ArrayBuffer>);
      }
      return undefined;
    };
    expect(
      outcome(
        "tampered chunk",
        await runBoth(server, atV3, { kind: "file", id: ID, version: "4.0.1", name: MODEL_FILE }),
      ),
    ).toEqual(rejected("CHUNK_HASH_MISMATCH"));
  });
});

describe("key compromise and rotation (G1 fast-forward, rotated-out keys; G2 root chain)", () => {
  let fastForwarded: ClientDirs;
  let oldTimestampKeys: Signer[];

  it("fast-forward recovery: clients stuck on a forged timestamp v2^31 recover once the timestamp key rotates", async () => {
    // The attacker holds the timestamp keys and pushes a huge version: both clients accept it —
    // signed by the right keys, TUF cannot tell — and now reject every honest timestamp.
    const t = await currentTimestamp();
    serve("/metadata/timestamp.json", await signMetadata<"timestamp">({ ...t, version: 2 ** 31 }, keys.timestamp));
    fastForwarded = await cloneClients(atV3);
    await advance(server, fastForwarded);
    server.tamper = undefined;
    expect(outcome("fast-forward, before recovery (honest timestamp)", await runBoth(server, fastForwarded))).toEqual(
      rejected("ROLLBACK"),
    );

    // The operator rotates the timestamp keys (root v2); clients drop the forged timestamp.
    oldTimestampKeys = keys.timestamp;
    const fresh = await makeKeys({ timestamp: 2 });
    keys = { ...keys, timestamp: fresh.timestamp };
    keyring = [...keyring, ...fresh.timestamp];
    await registry.repository.rotate({ timestamp: { keys: fresh.timestamp.map((s) => s.key), threshold: 2 } }, keyring);
    expect(outcome("fast-forward recovery after timestamp key rotation", await runBoth(server, fastForwarded))).toEqual(
      ACCEPTED,
    );
    await runOurs(server, fastForwarded.ours, { kind: "refresh" });
    const trusted = await new FsNamedStore(fastForwarded.ours).get("timestamp.json");
    const version = parseSigned(parseEnvelope(trusted ?? new Uint8Array(), "timestamp"), "timestamp").version;
    expect(version).toBe((await currentTimestamp()).version);
    expect(version).toBeLessThan(2 ** 31);
  });

  it("metadata signed by a rotated-out key is rejected", async () => {
    const afterRotation = await cloneClients(fastForwarded);
    await advance(server, afterRotation);
    const t = await currentTimestamp();
    serve(
      "/metadata/timestamp.json",
      await signMetadata<"timestamp">({ ...t, version: t.version + 1 }, oldTimestampKeys),
    );
    expect(outcome("rotated-out timestamp key", await runBoth(server, afterRotation))).toEqual(rejected("REVOKED_KEY"));
    server.tamper = undefined;
  });

  it("follows the root chain v1 → v4 one version at a time, then fetches a version published under v4", async () => {
    // v3: a new root key, signed by the old and the new; v4: root 2-of-2 and a new targets key.
    const r2 = (await generateKey()).signer;
    const r3 = (await generateKey()).signer;
    const t2 = (await generateKey()).signer;
    keyring = [...keyring, r2, r3, t2];
    await registry.repository.rotate({ root: { keys: [r2.key], threshold: 1 } }, keyring);
    await registry.repository.rotate(
      { root: { keys: [r2.key, r3.key], threshold: 2 }, targets: { keys: [t2.key], threshold: 1 } },
      keyring,
    );
    await publish("4.1.0");
    expect((await currentRoot()).version).toBe(4);

    server.requests.length = 0;
    const fromV1 = await freshClients(root1);
    expect(
      outcome(
        "root chain v1 → v4, new version under new targets key",
        await runBoth(server, fromV1, { kind: "manifest", id: ID, version: "4.1.0" }),
      ),
    ).toEqual(ACCEPTED);
    const roots = server.requests.filter((p) => p.endsWith(".root.json"));
    // Ours, then tuf-js: each asks for 2, 3, 4 and stops at the first missing one.
    expect(roots).toEqual([2, 3, 4, 5, 2, 3, 4, 5].map((v) => `/metadata/${v}.root.json`));
    expect(
      outcome(
        "client at v3 state refreshes after rotations and a new version",
        await runBoth(server, atV3, { kind: "manifest", id: ID, version: "4.1.0" }),
      ),
    ).toEqual(ACCEPTED);
  });

  describe("rotation failures (G2): a new root that does not carry both thresholds", () => {
    let atV4: ClientDirs;
    let current: Root;
    let oldRootKey: Signer;
    let rootKeys: Signer[];

    beforeAll(async () => {
      atV4 = await freshClients(root1);
      await advance(server, atV4);
      current = await currentRoot();
      const [first] = keys.root;
      if (!first) {
        throw new Error("no root v1 key");
      }
      oldRootKey = first;
      rootKeys = keyring.filter((s) => current.roles.root.keyids.includes(s.keyid));
      if (rootKeys.length !== 2) {
        throw new Error("root v4 should have two root keys in the keyring");
      }
    });

    afterAll(() => {
      server.tamper = undefined;
    });

    async function nextRoot(newRootKeys: Signer[], threshold: number, signers: Signer[], version = 5): Promise<void> {
      const keysById = { ...current.keys };
      for (const s of newRootKeys) {
        keysById[s.keyid] = s.key;
      }
      const root: Root = {
        ...current,
        version,
        expires: expiresAt(new Date(), 86_400),
        keys: keysById,
        roles: { ...current.roles, root: { keyids: newRootKeys.map((s) => s.keyid), threshold } },
      };
      serve("/metadata/5.root.json", await signMetadata<"root">(root, signers));
    }

    it("signed by the new key only", async () => {
      const k = (await generateKey()).signer;
      await nextRoot([k], 1, [k]);
      expect(outcome("root v5 not signed with old keys", await runBoth(server, atV4))).toEqual(rejected("UNKNOWN_KEY"));
    });

    it("signed by the old keys only", async () => {
      const k = (await generateKey()).signer;
      await nextRoot([k], 1, rootKeys);
      expect(outcome("root v5 not signed with new key", await runBoth(server, atV4))).toEqual(rejected("UNKNOWN_KEY"));
    });

    it("old threshold not reached (1 of 2 old keys)", async () => {
      const k = (await generateKey()).signer;
      await nextRoot([k], 1, [rootKeys[0] ?? k, k]);
      expect(outcome("root v5 old threshold not reached", await runBoth(server, atV4))).toEqual(
        rejected("THRESHOLD_NOT_MET"),
      );
    });

    it("new threshold not reached (1 of 2 new keys)", async () => {
      const a = (await generateKey()).signer;
      const b = (await generateKey()).signer;
      await nextRoot([a, b], 2, [...rootKeys, a]);
      expect(outcome("root v5 new threshold not reached", await runBoth(server, atV4))).toEqual(
        rejected("THRESHOLD_NOT_MET"),
      );
    });

    it("signed with the root key rotated out at v3", async () => {
      const k = (await generateKey()).signer;
      await nextRoot([k], 1, [oldRootKey, k]);
      expect(outcome("root v5 signed by rotated-out root key", await runBoth(server, atV4))).toEqual(
        rejected("REVOKED_KEY"),
      );
    });

    it("a root that claims another version than its file name", async () => {
      const k = (await generateKey()).signer;
      await nextRoot([k], 1, [...rootKeys, k], 6);
      expect(outcome("6.root.json served as 5.root.json", await runBoth(server, atV4))).toEqual(
        rejected("VERSION_MISMATCH"),
      );
    });
  });
});
