// The device client's platform-neutral pieces on their own: channels, the chunk plan, the
// pointer's transitions, and the monotonic latest trusted time.
import { describe, expect, it } from "vitest";
import { channelResolver } from "../../../shared/device-update/channel.ts";
import { planVersion } from "../../../shared/device-update/chunk-plan.ts";
import { advancePointer, rolledBackPointer } from "../../../shared/device-update/device-state.ts";
import { advanceTrustedTime, effectiveNow, readTrustedTime } from "../../../shared/device-update/trusted-time.ts";
import type { ModelManifest } from "../../../shared/manifest/model-manifest.ts";
import { MemoryNamedStore } from "../../../shared/storage/memory-named-store.ts";

const sha = (c: string) => c.repeat(64);

describe("channels", () => {
  const published = ["1.0.0", "1.1.0", "1.2.0-beta.1", "1.2.0-rc.1", "0.9.0"];
  it("latest takes the highest release; a named channel also takes its pre-releases", () => {
    expect(channelResolver("latest")(published)).toBe("1.1.0");
    expect(channelResolver("beta")(published)).toBe("1.2.0-beta.1");
    expect(channelResolver("rc")(published)).toBe("1.2.0-rc.1");
    expect(channelResolver("beta")([...published, "1.2.0"])).toBe("1.2.0");
    expect(channelResolver("latest")(["2.0.0-beta.1"])).toBeNull();
  });
  it("refuses channel names outside a small alphabet", () => {
    expect(() => channelResolver("../etc")).toThrow(/channel/);
  });
});

describe("the chunk plan", () => {
  it("wants each missing chunk once, at its first offset, and counts what is local", async () => {
    const manifest = {
      files: [
        {
          name: "model.onnx",
          role: "model",
          sha256: sha("f"),
          size: 40,
          chunks: [
            { sha256: sha("a"), size: 10 },
            { sha256: sha("b"), size: 10 },
            { sha256: sha("a"), size: 10 },
            { sha256: sha("c"), size: 10 },
          ],
        },
      ],
    } as unknown as ModelManifest;
    const plan = await planVersion(manifest, { has: async (s) => s === sha("c") });
    expect(plan.files[0]?.wanted.map((c) => [c.sha256[0], c.offset])).toEqual([
      ["a", 0],
      ["b", 10],
    ]);
    expect(plan).toMatchObject({ totalChunks: 4, totalBytes: 40, localChunks: 1, localBytes: 10 });
  });
});

function v(version: string, c: string) {
  return { version, manifest_sha256: sha(c), verified_at: "2026-01-01T00:00:00.000Z" };
}

describe("the pointer", () => {
  it("keeps exactly N-1 on install, and rollback swaps current and previous", () => {
    const p1 = advancePointer("m", null, v("1.0.0", "1"));
    const p2 = advancePointer("m", p1, v("1.1.0", "2"));
    const p3 = advancePointer("m", p2, v("1.2.0", "3"));
    expect([p3.current.version, p3.previous?.version]).toEqual(["1.2.0", "1.1.0"]);
    const back = rolledBackPointer(p3);
    expect([back.current.version, back.previous?.version, back.rolled_back_from?.version]).toEqual([
      "1.1.0",
      "1.2.0",
      "1.2.0",
    ]);
    expect(() => rolledBackPointer(p1)).toThrow(/no previous version/);
  });
});

describe("the latest trusted time", () => {
  it("only moves forward, and expiry is judged by the later of it and the clock", async () => {
    const store = new MemoryNamedStore();
    const t1 = new Date("2026-05-01T00:00:00Z");
    const t0 = new Date("2026-04-01T00:00:00Z");
    expect(await readTrustedTime(store)).toBeNull();
    await advanceTrustedTime(store, t1);
    await advanceTrustedTime(store, t0);
    expect((await readTrustedTime(store))?.toISOString()).toBe(t1.toISOString());
    expect(effectiveNow(t0, t1)).toBe(t1);
    expect(effectiveNow(new Date("2026-06-01T00:00:00Z"), t1).toISOString()).toBe("2026-06-01T00:00:00.000Z");
  });
});
