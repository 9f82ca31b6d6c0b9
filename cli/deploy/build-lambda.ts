/**
 * @module
 * `npm run build:lambda`: the serverless origin as one deployable zip. esbuild bundles
 * `origin/lambda/entry.ts` and everything it imports into `index.mjs`, except onnxruntime-node:
 * its native binding (`onnxruntime_binding.node` + `libonnxruntime.so.1`) is loaded by a
 * computed `require`, which a bundler cannot follow, so the package ships beside the bundle
 * under `node_modules/` with only its Linux x64 binaries (Lambda's `x86_64` architecture).
 * The models ship inside too (`models/`: blobs by sha256 and one manifest each, USE-lite by
 * default), read from the task root (`/var/task`, Lambda's working directory).
 * No layer: one artifact, one version, rolled back as one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { zipSync, type Zippable } from "fflate";
import { installOriginModels } from "../local/origin-models.ts";
import { buildManifest } from "../models/build-manifest.ts";
import { defaultModelSources } from "../models/default-models.ts";

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

/** How Node deployables are bundled (the Lambda zip, the origin image): onnxruntime-node stays a package. */
export const NODE_BUNDLE = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  external: ["onnxruntime-node"],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  legalComments: "none",
  logLevel: "warning",
} satisfies BuildOptions;

/** Where the models sit in the zip, relative to the task root; the SAM template's config names them. */
export const LAMBDA_MODELS_DIR = "models";

export async function buildLambdaZip(
  outDir = "dist/lambda",
  models: readonly string[] = ["use-lite"],
  repoRoot = process.cwd(),
): Promise<LambdaArtifact> {
  const result = await build({
    ...NODE_BUNDLE,
    entryPoints: [join(repoRoot, "origin/lambda/entry.ts")],
    write: false,
    outfile: "index.mjs",
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
  const sources = defaultModelSources().filter((m) => models.includes(m.id));
  if (sources.length !== models.length) {
    throw new Error(
      `unknown model in ${models.join(", ")}; the default models are ${defaultModelSources()
        .map((m) => m.id)
        .join(", ")}`,
    );
  }
  const staging = await mkdtemp(join(tmpdir(), "edgefleet-lambda-models-"));
  try {
    await installOriginModels(staging, await Promise.all(sources.map((m) => buildManifest(m))));
    for (const path of walk(staging)) {
      entries[`${LAMBDA_MODELS_DIR}/${path.replaceAll("\\", "/")}`] = readFileSync(join(staging, path));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
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
  // npm run build:lambda -- [outDir] [comma-separated model ids]
  const artifact = await buildLambdaZip(process.argv[2], process.argv[3]?.split(","));
  console.log(
    `${artifact.zip}: ${mb(artifact.zippedBytes)} zipped (upload limit ${mb(LAMBDA_ZIPPED_UPLOAD_LIMIT_BYTES)}), ` +
      `${mb(artifact.unzippedBytes)} unzipped (limit ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)}), ${artifact.files.length} files`,
  );
  if (artifact.unzippedBytes > LAMBDA_UNZIPPED_LIMIT_BYTES) {
    process.exitCode = 1;
  }
}
