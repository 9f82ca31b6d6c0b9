// The S3 adapters against a real S3-compatible HTTP endpoint on loopback (s3rver, which
// speaks the S3 REST API; not AWS itself): content-addressed puts are skipped when present,
// metadata is replaced whole, and a registry published into S3 verifies end to end.
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registryApp } from "../../../control/registry/app.ts";
import { S3BlobStore, S3NamedStore, type S3Location } from "../../../adapters/node/s3-stores.ts";
import { sha256Hex } from "../../../shared/crypto/sha256.ts";
import { ModelClient } from "../../../shared/registry/model-client.ts";
import { publishModel } from "../../../shared/registry/publish.ts";
import { TufRepository } from "../../../shared/registry/repository.ts";
import { MemoryBlobStore } from "../../../shared/storage/memory-blob-store.ts";
import { MemoryNamedStore } from "../../../shared/storage/memory-named-store.ts";
import { TufClient } from "../../../shared/tuf/client.ts";
import { allSigners, makeKeys } from "../../support/registry-fixture.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { rawDraft } from "../../support/raw-draft.ts";

let server: S3rver;
let at: S3Location;

beforeAll(async () => {
  server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: await tempDir("s3") });
  const { port } = await server.run();
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  await client.send(new CreateBucketCommand({ Bucket: "edgefleet-models" }));
  at = { client, bucket: "edgefleet-models", prefix: "registry/" };
});

afterAll(async () => {
  at.client.destroy();
  await server.close();
});

describe("S3BlobStore", () => {
  it("stores by digest, reads back, and does not upload a digest it already holds", async () => {
    const store = new S3BlobStore(at);
    const bytes = new TextEncoder().encode("a chunk of a model");
    const digest = await sha256Hex(bytes);
    expect(await store.has(digest)).toBe(false);
    expect(await store.get(digest)).toBeNull();
    await store.put(digest, bytes);
    expect(await store.has(digest)).toBe(true);
    expect(await store.get(digest)).toEqual(bytes);
    const send = vi.spyOn(at.client, "send");
    await store.put(digest, bytes);
    expect(send.mock.calls.map(([c]) => c.constructor.name)).toEqual(["HeadObjectCommand"]);
    send.mockRestore();
  });
});

describe("S3NamedStore", () => {
  it("replaces files whole, lists and deletes them, and ignores other prefixes", async () => {
    const store = new S3NamedStore(at);
    await store.put("timestamp.json", new TextEncoder().encode("v1"));
    await store.put("timestamp.json", new TextEncoder().encode("version 2"));
    await store.put("1.root.json", new TextEncoder().encode("root"));
    await at.client.send(new PutObjectCommand({ Bucket: at.bucket, Key: "registry/blobs/sha256/x", Body: "x" }));
    expect(new TextDecoder().decode((await store.get("timestamp.json")) ?? new Uint8Array())).toBe("version 2");
    expect(await store.list()).toEqual(["1.root.json", "timestamp.json"]);
    await store.delete("timestamp.json");
    expect(await store.get("timestamp.json")).toBeNull();
    await expect(store.put("../escape", new Uint8Array())).rejects.toThrow(/plain file name/);
  });
});

describe("a registry in S3", () => {
  it("publishes into S3 and a verifying client reads the model back through the read API", async () => {
    const keys = await makeKeys();
    const location = { ...at, prefix: "published/" };
    const metadata = new S3NamedStore(location);
    const blobs = new S3BlobStore(location);
    const repository = new TufRepository(metadata);
    const setup = (role: keyof typeof keys) => ({ keys: keys[role].map((s) => s.key), threshold: 1 });
    await repository.init(
      { root: setup("root"), targets: setup("targets"), snapshot: setup("snapshot"), timestamp: setup("timestamp") },
      allSigners(keys),
    );
    const model = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const result = await publishModel(rawDraft("tiny", "1.0.0", "tiny.onnx", model), {
      blobs,
      repository,
      keyring: allSigners(keys),
    });
    expect(result.status).toBe("published");

    const app = registryApp({ metadata, blobs });
    const fetcher = async (input: string, init?: RequestInit) => app.request(input, init);
    const store = new MemoryNamedStore();
    await TufClient.trust(store, (await metadata.get("1.root.json")) ?? new Uint8Array());
    const tuf = new TufClient({
      metadataUrl: "http://r/metadata/",
      targetsUrl: "http://r/targets/",
      store,
      fetch: fetcher,
    });
    await tuf.refresh();
    const models = new ModelClient({
      tuf,
      chunksUrl: "http://r/chunks/",
      chunkStore: new MemoryBlobStore(),
      fetch: fetcher,
    });
    const manifest = await models.manifest("tiny", "1.0.0");
    const file = manifest.files[0];
    if (!file) {
      throw new Error("manifest has no file");
    }
    expect(await sha256Hex(await models.file(manifest, file))).toBe(await sha256Hex(model));
  });
});
