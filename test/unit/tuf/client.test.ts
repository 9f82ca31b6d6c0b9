// Client rules beyond the interop suite: no trusted root, an expired root, unsafe target
// paths, a chunk longer than the manifest says, and a snapshot that lowers targets' version.
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../shared/crypto/sha256.ts";
import { publishModel } from "../../../shared/registry/publish.ts";
import { TufRepository } from "../../../shared/registry/repository.ts";
import { MemoryBlobStore } from "../../../shared/storage/memory-blob-store.ts";
import { MemoryNamedStore } from "../../../shared/storage/memory-named-store.ts";
import { TufClient } from "../../../shared/tuf/client.ts";
import type { Snapshot } from "../../../shared/tuf/schema.ts";
import { signMetadata } from "../../../shared/tuf/sign.ts";
import { assertSafeTargetPath } from "../../../shared/tuf/target-path.ts";
import { parseEnvelope, parseSigned } from "../../../shared/tuf/verify.ts";
import { allSigners, makeKeys } from "../../support/registry-fixture.ts";
import { rawDraft } from "../../support/raw-draft.ts";
import { clientOverApp, tufCode as codeOf } from "../../support/registry-over-app.ts";

async function setup(rootLifetime?: number) {
  const keys = await makeKeys();
  const keyring = allSigners(keys);
  const metadata = new MemoryNamedStore();
  const blobs = new MemoryBlobStore();
  const repository = new TufRepository(metadata, {
    lifetimes: rootLifetime === undefined ? {} : { root: rootLifetime },
  });
  const one = (role: keyof typeof keys) => ({ keys: keys[role].map((s) => s.key), threshold: 1 });
  await repository.init(
    { root: one("root"), targets: one("targets"), snapshot: one("snapshot"), timestamp: one("timestamp") },
    keyring,
  );
  const model = new Uint8Array(200_000).map((_, i) => (i * 40_503) >>> 8);
  const draft = rawDraft("m", "1.0.0", "m.onnx", model);
  const published = await publishModel(draft, { blobs, repository, keyring });
  const client = await clientOverApp(metadata, blobs);
  return { keys, metadata, published, ...client, models: client.models() };
}

describe("TufClient", () => {
  it("refuses to start without a trusted root", async () => {
    const tuf = new TufClient({ metadataUrl: "http://r/m/", targetsUrl: "http://r/t/", store: new MemoryNamedStore() });
    expect(await codeOf(tuf.refresh())).toBe("NOT_INITIALIZED");
  });

  it("refuses an expired root (freeze of the root itself)", async () => {
    const r = await setup(-60);
    expect(await codeOf(r.tuf.refresh())).toBe("EXPIRED");
  });

  it("rejects target paths that could escape a directory", async () => {
    for (const bad of ["../x", "a/../b", "/abs", "a//b", ".hidden", "a/./b", "a\\b"]) {
      expect({ path: bad, code: await codeOf(() => assertSafeTargetPath(bad)) }).toEqual({
        path: bad,
        code: "PATH_REJECTED",
      });
    }
    expect(await codeOf(() => assertSafeTargetPath("model-a/1.0.0/files/model.onnx"))).toBe("OK");
  });

  it("stops reading a chunk one byte past its declared size", async () => {
    const r = await setup();
    await r.tuf.refresh();
    const manifest = await r.models.manifest("m", "1.0.0");
    const file = manifest.files[0];
    const chunk = file?.chunks?.[0];
    if (!file || !chunk) {
      throw new Error("no chunk");
    }
    r.setTamper((path) =>
      path === `/chunks/${chunk.sha256}` ? new Response(new Uint8Array(chunk.size + 1)) : undefined,
    );
    expect(await codeOf(r.models.file(manifest, file))).toBe("LENGTH_EXCEEDED");
  });

  it("rejects a snapshot that lowers the targets version the trusted snapshot listed (rollback)", async () => {
    const r = await setup();
    await r.tuf.refresh();
    const snapshot = parseSigned(
      parseEnvelope((await r.metadata.get("2.snapshot.json")) ?? new Uint8Array(), "snapshot"),
      "snapshot",
    );
    const lowered: Snapshot = { ...snapshot, version: 3, meta: { "targets.json": { version: 1 } } };
    const bytes = await signMetadata<"snapshot">(lowered, r.keys.snapshot);
    const ts = parseSigned(
      parseEnvelope((await r.metadata.get("timestamp.json")) ?? new Uint8Array(), "timestamp"),
      "timestamp",
    );
    const newTs = await signMetadata<"timestamp">(
      {
        ...ts,
        version: ts.version + 1,
        meta: { "snapshot.json": { version: 3, length: bytes.byteLength, hashes: { sha256: await sha256Hex(bytes) } } },
      },
      r.keys.timestamp,
    );
    r.setTamper((path) =>
      path === "/metadata/timestamp.json"
        ? new Response(newTs)
        : path === "/metadata/3.snapshot.json"
          ? new Response(bytes)
          : undefined,
    );
    expect(await codeOf(r.tuf.refresh())).toBe("ROLLBACK");
  });

  it("lists model versions and refuses a target the metadata does not name", async () => {
    const r = await setup();
    await r.tuf.refresh();
    expect(r.models.versions()).toEqual([{ id: "m", version: "1.0.0" }]);
    expect(await codeOf(r.models.manifest("m", "2.0.0"))).toBe("TARGET_NOT_FOUND");
  });
});
