/**
 * @module
 * `npm run build:origin`: `edgefleet origin` as one ESM file (dist/origin/edgefleet-origin.mjs)
 * for the container image (deploy/origin/Dockerfile). onnxruntime-node and the model packages
 * (read as files) come from the image's production node_modules; tsx, wrangler and miniflare
 * are not needed at run time.
 */
import { build } from "esbuild";
import { NODE_BUNDLE } from "./build-lambda.ts";

await build({
  ...NODE_BUNDLE,
  entryPoints: ["cli/deploy/origin-entry.ts"],
  outfile: "dist/origin/edgefleet-origin.mjs",
});
console.log("dist/origin/edgefleet-origin.mjs");
