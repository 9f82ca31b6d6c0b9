/**
 * @module
 * Bundles the edge Worker exactly as a deploy would (`wrangler deploy --dry-run`), so local
 * runs, tests and benches execute the same bundle that ships.
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface EdgeBundle {
  dir: string;
  script: string;
  wasm: string;
}

const built = new Map<string, Promise<EdgeBundle>>();

/** Builds once per process and output directory. */
export function buildEdgeBundle(outdir = "dist/edge", config = "wrangler.toml"): Promise<EdgeBundle> {
  const key = `${outdir}|${config}`;
  let pending = built.get(key);
  if (!pending) {
    pending = build(resolve(outdir), config);
    built.set(key, pending);
  }
  return pending;
}

/** `wrangler deploy --dry-run` of one config into `dir`; returns the files written there. */
export async function wranglerDryRun(dir: string, config: string): Promise<string[]> {
  const wrangler = join(process.cwd(), "node_modules", ".bin", "wrangler");
  await run(wrangler, ["deploy", "--dry-run", "--outdir", dir, "-c", config], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    maxBuffer: 16 * 2 ** 20,
  });
  return readdir(dir);
}

async function build(dir: string, config: string): Promise<EdgeBundle> {
  const files = await wranglerDryRun(dir, config);
  const wasm = files.find((f) => f.endsWith(".wasm"));
  if (!wasm || !files.includes("index.js")) {
    throw new Error(`wrangler produced no index.js + .wasm in ${dir}`);
  }
  return { dir, script: join(dir, "index.js"), wasm: join(dir, wasm) };
}
