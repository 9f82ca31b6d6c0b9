// The device client's life cycle against a real registry on loopback: a device that never
// synced says so; a sync installs only what is missing; rollback returns to N-1 and sync
// does not undo it; refused metadata (rolled back, expired, expired by the device's latest
// trusted time after its clock was set back, signed for another root) changes nothing on the
// device, which keeps running — and saying that it runs — its last verified model; a damaged
// current version falls back to N-1.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDevice } from "../../../device/device.ts";
import { blockHashes } from "../../../shared/chunking/block-hashes.ts";
import { DeviceError } from "../../../shared/device-update/device-error.ts";
import { TufRepository } from "../../../shared/registry/repository.ts";
import { TufError } from "../../../shared/tuf/errors.ts";
import { answerOf, publishTiny, TINY_INPUT } from "../../support/device-fixture.ts";
import {
  allSigners,
  type Keyring,
  makeKeys,
  makeRegistry,
  type RegistryServer,
  serveRegistry,
  startRegistry,
  snapshotDir,
  type TestRegistry,
} from "../../support/registry-fixture.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { editWeights, expectedOutput, seededWeights, tinyModel } from "../../support/tiny-model.ts";

const DAY = 86_400_000;

let keys: Keyring;
let registry: TestRegistry;
let server: RegistryServer;
let v1Published: Awaited<ReturnType<typeof publishTiny>>;
const w1 = seededWeights(100_000, 5);
const w2 = editWeights(w1, 50_000, 52_000, 1);
const y1 = expectedOutput(w1);
const y2 = expectedOutput(w2);

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect({ typed: TufError.is(error) || DeviceError.is(error), error: String(error) }).toMatchObject({ typed: true });
  expect((error as { code: string }).code).toBe(code);
}

beforeAll(async () => {
  ({ keys, registry, server } = await startRegistry());
  v1Published = await publishTiny(registry, keys, "tiny", "1.0.0", tinyModel(w1));
});

afterAll(async () => {
  await server.close();
});

describe("the registry's block hints", () => {
  it("serves 8 bytes of sha256 per 4 KiB block of a chunk, immutable, and 404 for an unknown chunk", async () => {
    const chunk = v1Published.manifest.files[0]?.chunks?.[1];
    const bytes = chunk ? await registry.blobs.get(chunk.sha256) : null;
    if (!chunk || !bytes) {
      throw new Error("no second chunk");
    }
    const response = await fetch(`${server.url}/chunks/${chunk.sha256}/blocks`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("immutable");
    const body = new Uint8Array(await response.arrayBuffer());
    expect(body.byteLength).toBe(Math.ceil(chunk.size / 4096) * 8);
    expect(Buffer.compare(body, await blockHashes(bytes))).toBe(0);
    expect((await fetch(`${server.url}/chunks/${"0".repeat(64)}/blocks`)).status).toBe(404);
  });
});

describe("a device that has never synced", () => {
  it("says so clearly instead of running anything", async () => {
    const device = openDevice({ dir: await tempDir("device-new") });
    await expectCode(device.run("tiny", TINY_INPUT), "NEVER_SYNCED");
    await expectCode(device.rollback("tiny"), "NEVER_SYNCED");
    await expectCode(device.sync({ models: ["tiny"] }), "BAD_REQUEST");
    const status = await device.status();
    expect(status.metadata.synced).toBe(false);
    expect(status.models).toEqual([]);
  });
});

describe("updates, rollback and refusals", () => {
  let dir: string;
  let oldTimestamp: Uint8Array;

  it("installs v1 on first sync, trusting the server's first root, and runs it offline", async () => {
    dir = await tempDir("device");
    const device = openDevice({ dir });
    const first = await device.sync({ server: server.url, models: ["tiny"] });
    expect(first.trust).toBe("first-use");
    expect(first.models[0]).toMatchObject({ status: "installed", version: "1.0.0", previous: null });
    oldTimestamp = (await registry.metadata.get("timestamp.json")) ?? new Uint8Array();
    const answer = await device.run("tiny", TINY_INPUT);
    expect(answer).toMatchObject({ model: "tiny", version: "1.0.0", provider: "cpu" });
    expect(answer.device).toMatchObject({ served: "current", metadata_expired: false });
    expect(answerOf(answer.output)).toBeCloseTo(y1, 0);
  });

  it("fetches only what v2 changed: a few blocks, not the file", async () => {
    const published = await publishTiny(registry, keys, "tiny", "1.1.0", tinyModel(w2));
    const device = openDevice({ dir });
    const result = await device.sync();
    const model = result.models[0];
    expect(model).toMatchObject({ status: "installed", version: "1.1.0", previous: "1.0.0" });
    // 2,000 floats changed (8 KB): the blocks around them come down, not the changed chunks.
    expect(model?.bytes.downloaded).toBeLessThan(16 * 1024);
    expect(model?.bytes.downloaded).toBeLessThan(published.uploadedBytes);
    expect(answerOf((await device.run("tiny", TINY_INPUT)).output)).toBeCloseTo(y2, 0);
    expect((await device.sync()).models[0]?.status).toBe("up-to-date");
  });

  it("rolls back to N-1, and sync leaves the rolled-back version alone until told", async () => {
    const device = openDevice({ dir });
    const pointer = await device.rollback("tiny");
    expect(pointer.current.version).toBe("1.0.0");
    expect(pointer.previous?.version).toBe("1.1.0");
    expect(answerOf((await device.run("tiny", TINY_INPUT)).output)).toBeCloseTo(y1, 0);
    expect((await device.sync()).models[0]).toMatchObject({ status: "held", version: "1.0.0", target: "1.1.0" });
    // A second rollback goes forward again.
    expect((await device.rollback("tiny")).current.version).toBe("1.1.0");
    expect(answerOf((await device.run("tiny", TINY_INPUT)).output)).toBeCloseTo(y2, 0);
  });

  it("refuses rolled-back metadata (ROLLBACK): trusted files byte-identical, v2 keeps running", async () => {
    const device = openDevice({ dir });
    const trustBefore = await snapshotDir(join(dir, "trust"));
    const pointerBefore = await readFile(join(dir, "state", "pointer.tiny.json"));
    server.tamper = (request) =>
      new URL(request.url).pathname === "/metadata/timestamp.json" ? new Response(oldTimestamp.slice()) : undefined;
    try {
      await expectCode(device.sync(), "ROLLBACK");
    } finally {
      server.tamper = undefined;
    }
    expect(await snapshotDir(join(dir, "trust"))).toEqual(trustBefore);
    expect(await readFile(join(dir, "state", "pointer.tiny.json"))).toEqual(pointerBefore);
    expect(answerOf((await device.run("tiny", TINY_INPUT)).output)).toBeCloseTo(y2, 0);
    expect((await device.status()).lastSync).toMatchObject({ ok: false, error: { code: "ROLLBACK" } });
  });

  it("refuses expired metadata (EXPIRED), keeps running v2 and says the metadata expired", async () => {
    const later = new Date(Date.now() + 2 * DAY);
    const device = openDevice({ dir, now: () => later });
    await expectCode(device.sync(), "EXPIRED");
    const answer = await device.run("tiny", TINY_INPUT);
    expect(answer.version).toBe("1.1.0");
    expect(answer.device.metadata_expired).toBe(true);
    const status = await device.status();
    expect(status.metadata).toMatchObject({ expired: true, expiresRole: "timestamp" });
    expect(status.models[0]?.current.version).toBe("1.1.0");
  });

  it("falls back to N-1 when the current version's file is damaged, and says so", async () => {
    const device = openDevice({ dir });
    const status = await device.status();
    const digest = status.models[0]?.current.manifest_sha256 ?? "";
    const file = join(dir, "versions", digest, "model.onnx");
    const bytes = await readFile(file);
    bytes[bytes.byteLength - 10] ^= 0xff;
    await writeFile(file, bytes);
    const answer = await openDevice({ dir }).run("tiny", TINY_INPUT);
    expect(answer.version).toBe("1.0.0");
    expect(answer.device.served).toBe("previous");
    expect(answer.device.fallback_reason).toMatch(/integrity/);
    expect((await device.status({ verify: true })).models[0]?.verified).toEqual({ current: false, previous: true });
  });
});

describe("the latest trusted time", () => {
  it("refuses metadata that expired before a moment the device has seen, even with its clock set back", async () => {
    const k = await makeKeys();
    const r = await makeRegistry(k, {}, { timestamp: 10 * 86_400 });
    const s = await serveRegistry(r);
    try {
      await publishTiny(r, k, "tiny", "1.0.0", tinyModel(w1));
      const dir = await tempDir("device-clock");
      const ahead = new Date(Date.now() + 5 * DAY);
      const first = await openDevice({ dir, now: () => ahead }).sync({ server: s.url, models: ["tiny"] });
      expect(first.ok).toBe(true);
      // New metadata valid for 2 days from now: fresh by the clock, stale by what the device saw.
      await new TufRepository(r.metadata, { lifetimes: { timestamp: 2 * 86_400 } }).resign(allSigners(k));
      const device = openDevice({ dir });
      await expectCode(device.sync(), "EXPIRED");
      const status = await device.status();
      expect(status.metadata.latestTrustedTime).toBe(ahead.toISOString());
      expect(status.models[0]?.current.version).toBe("1.0.0");
    } finally {
      await s.close();
    }
  });
});

describe("a pinned root", () => {
  it("refuses a registry signed under another root (UNKNOWN_KEY) and installs nothing", async () => {
    const other = await makeRegistry(await makeKeys());
    const pinned = (await other.metadata.get("1.root.json")) ?? new Uint8Array();
    const dir = await tempDir("device-pinned");
    const device = openDevice({ dir });
    await expectCode(device.sync({ server: server.url, models: ["tiny"], trustedRoot: pinned }), "UNKNOWN_KEY");
    expect((await device.status()).models).toEqual([]);
  });
});
