/**
 * @module
 * The origin container's entry point: `edgefleet origin` alone, bundled by esbuild
 * (deploy/origin/Dockerfile) with packages left external, so the image needs only the
 * production dependencies — no tsx, wrangler or miniflare.
 */
import { runMain } from "citty";
import { originCommand } from "../commands/origin.ts";

await runMain(originCommand);
