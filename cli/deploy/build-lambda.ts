/**
 * @module
 * `npm run build:lambda`: the serverless origin as one deployable zip. esbuild bundles
 * `origin/lambda/entry.ts` and everything it imports into `index.mjs`, except onnxruntime-node:
 * its native binding (`onnxruntime_binding.node` + `libonnxruntime.so.1`) is loaded by a
 * computed `require`, which a bundler cannot follow, so the package ships beside the bundle
 * under `node_modules/` with only its Linux x64 binaries (Lambda's `x86_64` architecture).
 * No layer: one artifact, one version, rolled back as one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";
import { zipSync, type Zippable } from "fflate";

/** Lambda's limits for a zip deployed by upload or from S3 (not a container image). */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 10 ** 6;
export const LAMBDA_ZIPPED_UPLOAD_LIMIT_BYTES = 50 * 10 ** 6;

export interface LambdaArtifact {
  zip: string;
  zippedBytes: number;
  unzippedBytes: number;
  files: string[];
}

/** The packages copied as files, and which of their files a Linux x64 Lambda needs. */
const SHIPPED_PACKAGES: { name: string; keep: (path: string) => boolean }[] = [
  {
    name: "onnxruntime-node",
    keep: (p) =>
      p === "package.json" || (p.startsWith("dist/") && p.endsWith(".js")) || p.startsWith("bin/napi-v6/linux/x64/"),
  },
  // dist/cjs/package.json says "type": "commonjs" for the CommonJS build onnxruntime-node requires.
  {
    name: "onnxruntime-common",
    keep: (p) => p.endsWith("package.json") || (p.startsWith("dist/") && p.endsWith(".js")),
  },
];

function walk(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, root) : [relative(root, path)];
  });
}

export async function buildLambdaZip(outDir = "dist/lambda", repoRoot = process.cwd()): Promise<LambdaArtifact> {
  const result = await build({
    entryPoints: [join(repoRoot, "origin/lambda/entry.ts")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    write: false,
    outfile: "index.mjs",
    external: ["onnxruntime-node"],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    legalComments: "none",
    logLevel: "warning",
  });
  const entries: Zippable = {};
  for (const file of result.outputFiles) {
    entries[basename(file.path)] = file.contents;
  }
  for (const pkg of SHIPPED_PACKAGES) {
    const dir = join(repoRoot, "node_modules", pkg.name);
    for (const path of walk(dir).filter((p) => pkg.keep(p.replaceAll("\\", "/")))) {
      entries[`node_modules/${pkg.name}/${path.replaceAll("\\", "/")}`] = readFileSync(join(dir, path));
    }
  }
  if (!Object.keys(entries).some((p) => p.endsWith("linux/x64/onnxruntime_binding.node"))) {
    throw new Error("onnxruntime-node has no Linux x64 binding in node_modules: run npm ci on Linux first.");
  }
  const unzippedBytes = Object.values(entries).reduce((n, v) => n + (v instanceof Uint8Array ? v.byteLength : 0), 0);
  const zipped = zipSync(entries, { level: 9 });
  const zip = resolve(outDir, "edgefleet-origin-lambda.zip");
  await mkdir(dirname(zip), { recursive: true });
  await writeFile(zip, zipped);
  return { zip, zippedBytes: zipped.byteLength, unzippedBytes, files: Object.keys(entries).toSorted() };
}

const mb = (n: number) => `${(n / 10 ** 6).toFixed(1)} MB`;

if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  const artifact = await buildLambdaZip(process.argv[2]);
  console.log(
    `${artifact.zip}: ${mb(artifact.zippedBytes)} zipped (upload limit ${mb(LAMBDA_ZIPPED_UPLOAD_LIMIT_BYTES)}), ` +
      `${mb(artifact.unzippedBytes)} unzipped (limit ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)}), ${artifact.files.length} files`,
  );
  if (artifact.unzippedBytes > LAMBDA_UNZIPPED_LIMIT_BYTES) {
    process.exitCode = 1;
  }
}
