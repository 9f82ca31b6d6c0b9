// Every Worker we deploy, bundled exactly as `wrangler deploy` would (dry run), must fit the
// Workers size limit with onnxruntime-web's wasm inside: 10 MiB compressed on the paid plan.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { wranglerDryRun } from "../../cli/local/edge-bundle.ts";
import { tempDir } from "../support/temp-dir.ts";

const LIMIT_BYTES = 10 * 2 ** 20;
const CONFIGS = [
  "wrangler.toml",
  "deploy/edge/wrangler.staging.toml",
  "deploy/edge/wrangler.production.toml",
  "deploy/control/wrangler.toml",
];

describe("Worker bundles", () => {
  it.each(CONFIGS)("%s fits the 10 MiB compressed limit", async (config) => {
    const dir = await tempDir("bundle");
    const files = (await wranglerDryRun(dir, config)).filter((f) => !f.endsWith(".map") && f !== "README.md");
    let raw = 0;
    let gzipped = 0;
    for (const f of files) {
      const bytes = await readFile(join(dir, f));
      raw += bytes.byteLength;
      gzipped += gzipSync(bytes).byteLength;
    }
    // Printed so CI logs show the size over time.
    console.log(
      `${config}: ${(raw / 2 ** 20).toFixed(2)} MiB, ${(gzipped / 2 ** 20).toFixed(2)} MiB gzip (limit 10 MiB)`,
    );
    expect(files.some((f) => f === "index.js")).toBe(true);
    expect(gzipped).toBeLessThan(LIMIT_BYTES);
  });
});
