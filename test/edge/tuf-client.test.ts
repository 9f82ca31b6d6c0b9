// The verifying TUF client core runs inside workerd as it is (no nodejs_compat): Ed25519 over
// WebCrypto, @tufjs/canonical-json, fetch. Here a registry is even built and signed inside the
// isolate, served by the registry's Hono app, refreshed, and a model fetched chunk by chunk;
// a rollback and a tampered chunk are refused with their codes.
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../shared/crypto/sha256.ts";
import { publishModel } from "../../shared/registry/publish.ts";
import { TufRepository } from "../../shared/registry/repository.ts";
import { MemoryBlobStore } from "../../shared/storage/memory-blob-store.ts";
import { MemoryNamedStore } from "../../shared/storage/memory-named-store.ts";
import { generateKey } from "../../shared/tuf/keys.ts";
import { rawDraft } from "../support/raw-draft.ts";
import { clientOverApp, tufCode as codeOf } from "../support/registry-over-app.ts";

describe("TUF client in workerd", () => {
  it("verifies a registry signed in the isolate, fetches a model by chunks, and rejects attacks", async () => {
    const signers = await Promise.all([generateKey(), generateKey(), generateKey(), generateKey()]);
    const [root, targets, snapshot, timestamp] = signers.map((k) => k.signer);
    if (!root || !targets || !snapshot || !timestamp) {
      throw new Error("key generation failed");
    }
    const metadata = new MemoryNamedStore();
    const blobs = new MemoryBlobStore();
    const repository = new TufRepository(metadata);
    const one = (s: typeof root) => ({ keys: [s.key], threshold: 1 });
    const keyring = [root, targets, snapshot, timestamp];
    await repository.init(
      { root: one(root), targets: one(targets), snapshot: one(snapshot), timestamp: one(timestamp) },
      keyring,
    );
    const model = new Uint8Array(400_000).map((_, i) => (i * 2_654_435_761) >>> 24);
    const draft = (version: string) => rawDraft("edge-model", version, "m.onnx", model);
    await publishModel(draft("1.0.0"), { blobs, repository, keyring });
    const oldTimestamp = await metadata.get("timestamp.json");
    await publishModel(draft("1.0.1"), { blobs, repository, keyring });

    const { tuf, models: modelClient, setTamper } = await clientOverApp(metadata, blobs, "https://r");
    expect(await tuf.refresh()).toEqual({ root: 1, timestamp: 3, snapshot: 3, targets: 3 });
    const models = modelClient();
    const manifest = await models.manifest("edge-model", "1.0.1");
    const file = manifest.files[0];
    if (!file?.chunks) {
      throw new Error("manifest without chunks");
    }
    expect(await sha256Hex(await models.file(manifest, file))).toBe(await sha256Hex(model));

    setTamper((path) => (path === "/metadata/timestamp.json" ? new Response(oldTimestamp) : undefined));
    expect(await codeOf(tuf.refresh())).toBe("ROLLBACK");

    const [firstChunk] = file.chunks;
    setTamper((path) =>
      path === `/chunks/${firstChunk?.sha256}` ? new Response(new Uint8Array(firstChunk?.size ?? 1)) : undefined,
    );
    const fresh = modelClient();
    expect(await codeOf(fresh.file(manifest, file))).toBe("CHUNK_HASH_MISMATCH");
  });
});
