/**
 * @module
 * The built browser device (`edgefleet build-device`, `cli/browser/build-device-app.ts`) as
 * static files for the control plane's `/device/` page, read from a folder on Node. Only plain
 * relative names inside the folder are served; `.wasm` goes out as `application/wasm` (the
 * browser compiles it while it streams), and the page and the service worker are revalidated
 * on every load so a new build reaches devices.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
  json: "application/json",
};

const NAME = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)*$/;

/** Answers `path` (relative to the page, e.g. `ort/x.wasm`) from `dir`; null when there is no such file. */
export function deviceAssets(dir: string): (path: string) => Promise<Response | null> {
  const root = resolve(dir);
  return async (path) => {
    const type = TYPES[path.split(".").pop() ?? ""];
    if (!NAME.test(path) || path.includes("..") || !type) {
      return null;
    }
    const bytes = await readFile(join(root, path)).catch(() => null);
    if (!bytes) {
      return null;
    }
    const revalidate = path.endsWith(".html") || path === "sw.js" || path === "app.js";
    return new Response(new Uint8Array(bytes), {
      headers: { "content-type": type, "cache-control": revalidate ? "no-cache" : "public, max-age=3600" },
    });
  };
}
