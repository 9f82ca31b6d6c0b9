/**
 * Bundles a TypeScript entry point (and everything it imports) into one ESM file with esbuild,
 * so tests that start many child processes pay Node's start-up, not tsx's compile-on-load, per
 * child (crash tests start one per filesystem step). Dynamic imports stay separate chunks
 * (code splitting), so a child that never runs a model never loads onnxruntime-node.
 */
import { build } from "esbuild";
import { join } from "node:path";
import { tempDir } from "./temp-dir.ts";

export async function bundleChild(entry: string): Promise<string> {
  const outdir = await tempDir("child");
  await build({
    entryPoints: { child: entry },
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir,
    outExtension: { ".js": ".mjs" },
    external: ["onnxruntime-node"],
    logLevel: "error",
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  return join(outdir, "child.mjs");
}
