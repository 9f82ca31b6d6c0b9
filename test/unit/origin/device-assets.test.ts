// The control plane's /device/ files: served by relative name with the type a browser needs
// (wasm as application/wasm, or streaming compilation fails), nothing outside the folder.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { deviceAssets } from "../../../control/device-assets.ts";
import { tempDir } from "../../support/temp-dir.ts";

describe("deviceAssets", () => {
  let dir: string;
  let secret: string;

  beforeAll(async () => {
    const top = await tempDir("device-assets");
    dir = join(top, "app");
    secret = join(top, "secret.json");
    await mkdir(join(dir, "ort"), { recursive: true });
    await writeFile(join(dir, "index.html"), "<!doctype html>");
    await writeFile(join(dir, "ort", "x.wasm"), new Uint8Array([0, 0x61, 0x73, 0x6d]));
    await writeFile(secret, "{}");
  });

  it("serves the page and the runtime with their content types", async () => {
    const assets = deviceAssets(dir);
    const page = await assets("index.html");
    expect(page?.headers.get("content-type")).toContain("text/html");
    expect(page?.headers.get("cache-control")).toBe("no-cache");
    const wasm = await assets("ort/x.wasm");
    expect(wasm?.headers.get("content-type")).toBe("application/wasm");
    expect(new Uint8Array((await wasm?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(
      new Uint8Array([0, 0x61, 0x73, 0x6d]),
    );
  });

  it("answers nothing outside the folder, for unknown types, or for missing files", async () => {
    const assets = deviceAssets(dir);
    expect(await assets("../secret.json")).toBeNull();
    expect(await assets("ort/../../secret.json")).toBeNull();
    expect(await assets(secret)).toBeNull();
    expect(await assets("index.html.bak")).toBeNull();
    expect(await assets("missing.js")).toBeNull();
  });
});
