// Publishing: a second version that differs in one tensor uploads only the chunks around that
// tensor; publishing is idempotent (same version, same bytes: nothing written) and refuses a
// changed version; a publish that dies midway stays invisible, and the rerun sends only the
// chunks that had not arrived.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { float32Weights, perturbTensor } from "../../support/onnx-perturb.ts";
import { defaultModelSources } from "../../../cli/models/default-models.ts";
import { readModelInput } from "../../../cli/registry/model-input.ts";
import { ApiError } from "../../../shared/errors.ts";
import type { BlobStore } from "../../../shared/ports/blob-store.ts";
import { manifestTarget } from "../../../shared/registry/layout.ts";
import { type ModelDraft, publishModel } from "../../../shared/registry/publish.ts";
import { TufRepository } from "../../../shared/registry/repository.ts";
import { MemoryBlobStore } from "../../../shared/storage/memory-blob-store.ts";
import { MemoryNamedStore } from "../../../shared/storage/memory-named-store.ts";
import type { Signer } from "../../../shared/tuf/keys.ts";
import { allSigners, makeKeys } from "../../support/registry-fixture.ts";

let v1: ModelDraft;
let v2: ModelDraft;
let keyring: Signer[];

async function freshRegistry(): Promise<{
  repository: TufRepository;
  blobs: MemoryBlobStore;
  metadata: MemoryNamedStore;
}> {
  const keys = await makeKeys();
  keyring = allSigners(keys);
  const metadata = new MemoryNamedStore();
  const repository = new TufRepository(metadata);
  const setup = (role: keyof typeof keys) => ({ keys: keys[role].map((s) => s.key), threshold: 1 });
  await repository.init(
    { root: setup("root"), targets: setup("targets"), snapshot: setup("snapshot"), timestamp: setup("timestamp") },
    keyring,
  );
  return { repository, blobs: new MemoryBlobStore(), metadata };
}

/** A blob store that fails after `n` uploads: a publish killed midway. */
function failingAfter(inner: BlobStore, n: number): BlobStore {
  let puts = 0;
  return {
    get: (sha) => inner.get(sha),
    has: (sha) => inner.has(sha),
    async put(sha, bytes) {
      if (puts++ >= n) {
        throw new Error("connection lost");
      }
      await inner.put(sha, bytes);
    },
  };
}

beforeAll(async () => {
  const rec = defaultModelSources().find((s) => s.id === "ppocr-rec");
  if (!rec) {
    throw new Error("no ppocr-rec source");
  }
  v1 = await readModelInput(rec.model, { id: "ppocr-rec", version: "4.0.0", task: "ocr-recognition" });
  const graph = new Uint8Array(await readFile(rec.model));
  const tensors = float32Weights(graph).filter((w) => w.dataEnd - w.dataStart >= 64 * 1024);
  const middle = tensors[Math.floor(tensors.length / 2)];
  if (!middle) {
    throw new Error("no tensor to edit");
  }
  v2 = { ...v1, version: "4.0.1", files: [{ name: "rec.onnx", role: "model", bytes: perturbTensor(graph, middle) }] };
  v1 = { ...v1, files: [{ name: "rec.onnx", role: "model", bytes: graph }] };
});

describe("publish", () => {
  it("uploads only the chunks a one-tensor edit changed, and names the previous version as parent", async () => {
    const r = await freshRegistry();
    const first = await publishModel(v1, { ...r, keyring });
    expect(first.status).toBe("published");
    expect(first.uploadedChunks).toBe(first.chunks);
    expect(first.manifest.runtime.opset).toBe(9);
    const second = await publishModel(v2, { ...r, keyring });
    expect(second.manifest.parent).toBe("4.0.0");
    expect(second.uploadedChunks).toBeLessThanOrEqual(5);
    expect(second.uploadedBytes / second.totalBytes).toBeLessThan(0.05);
  });

  it("is idempotent for the same content and refuses different content under the same version", async () => {
    const r = await freshRegistry();
    await publishModel(v1, { ...r, keyring });
    const before = await r.metadata.get("timestamp.json");
    const again = await publishModel(v1, { ...r, keyring });
    expect(again.status).toBe("unchanged");
    expect(again.uploadedChunks).toBe(0);
    expect(await r.metadata.get("timestamp.json")).toEqual(before);
    const changed = publishModel({ ...v2, version: "4.0.0" }, { ...r, keyring });
    await expect(changed).rejects.toThrow(ApiError);
    await expect(changed).rejects.toMatchObject({ code: "version_exists", status: 409 });
  });

  it("stays invisible when it dies midway, and the rerun sends only the missing chunks", async () => {
    const r = await freshRegistry();
    const dying = publishModel(v1, { ...r, blobs: failingAfter(r.blobs, 40), keyring });
    await expect(dying).rejects.toThrow("connection lost");
    const state = await r.repository.state();
    expect(state.targets.signed.targets[manifestTarget("ppocr-rec", "4.0.0")]).toBeUndefined();
    expect(state.timestamp.signed.version).toBe(1);
    const rerun = await publishModel(v1, { ...r, keyring });
    expect(rerun.status).toBe("published");
    expect(rerun.reusedChunks).toBe(40);
    expect(rerun.uploadedChunks).toBe(rerun.chunks - 40);
  });

  it("refuses to sign without the role keys (missing key), before uploading anything", async () => {
    const r = await freshRegistry();
    const withoutTimestamp = keyring.slice(0, 3);
    // Any upload attempt would fail with "connection lost" instead.
    const attempt = publishModel(v1, { ...r, blobs: failingAfter(r.blobs, 0), keyring: withoutTimestamp });
    await expect(attempt).rejects.toMatchObject({ code: "missing_key" });
  });
});
