/**
 * @module
 * Builds the browser device into static files (`dist/device/` by default), which the control
 * plane serves at `/device/`:
 *
 * - `index.html` and `app.js` — the page and the device bundle (esbuild, browser platform: a
 *   `node:` import anywhere in `device/browser/` or `shared/` fails the build);
 * - `sw.js` — the service worker, with the shell's file list and a build id baked in;
 * - `ort/` — onnxruntime-web's WebGPU/WASM runtime files from `node_modules/onnxruntime-web/dist/`,
 *   served from the same origin (WebGPU needs a secure context; the service worker caches them).
 *
 * The files are written to a private folder that is renamed into place, so a server started
 * at the same moment never serves half a build.
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { packageDir } from "../models/default-models.ts";

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "device", "browser");

/** The onnxruntime-web files the `webgpu` bundle loads at run time (the glue is inside the bundle). */
export const ORT_FILES = ["ort-wasm-simd-threaded.asyncify.wasm", "ort-wasm-simd-threaded.asyncify.mjs"];

export interface DeviceAppBuild {
  dir: string;
  /** Changes with every change of the page, its bundle or the runtime files. */
  buildId: string;
  files: string[];
}

function ortDist(): string {
  return join(packageDir("onnxruntime-web"), "dist");
}

export async function buildDeviceApp(outDir = "dist/device"): Promise<DeviceAppBuild> {
  const final = resolve(outDir);
  const temp = `${final}.build-${process.pid}-${Date.now()}`;
  await mkdir(join(temp, "ort"), { recursive: true });
  try {
    const common = { bundle: true, format: "esm", platform: "browser", target: "es2022", logLevel: "warning" } as const;
    await build({ ...common, entryPoints: [join(SOURCE, "app.ts")], outfile: join(temp, "app.js"), minify: true });
    await copyFile(join(SOURCE, "index.html"), join(temp, "index.html"));
    for (const f of ORT_FILES) {
      await copyFile(join(ortDist(), f), join(temp, "ort", f));
    }
    const shell = ["index.html", "app.js", ...ORT_FILES.map((f) => `ort/${f}`)];
    const hash = createHash("sha256");
    for (const f of shell) {
      hash.update(await readFile(join(temp, f)));
    }
    const buildId = hash.digest("hex").slice(0, 16);
    await build({
      ...common,
      entryPoints: [join(SOURCE, "sw.ts")],
      outfile: join(temp, "sw.js"),
      define: { EDGEFLEET_BUILD: JSON.stringify(buildId), EDGEFLEET_SHELL: JSON.stringify(shell) },
    });
    await writeFile(join(temp, "build.json"), `${JSON.stringify({ buildId, shell }, null, 2)}\n`);
    await rm(final, { recursive: true, force: true });
    await rename(temp, final);
    return { dir: final, buildId, files: [...shell, "sw.js", "build.json"] };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
