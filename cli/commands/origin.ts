/**
 * @module
 * `edgefleet origin`: a regional origin server (Node, onnxruntime-node, request batching,
 * OpenAI-compatible upstreams) from a JSON config file. SIGTERM or Ctrl-C drains it: new
 * requests are refused, in-flight ones finish, then it exits.
 */
import { defineCommand } from "citty";
import { readFile } from "node:fs/promises";
import { OriginConfigSchema } from "../../origin/config.ts";
import { startOrigin } from "../../origin/server.ts";
import { installOriginModels } from "../local/origin-models.ts";
import { assertPortFree } from "../local/port-check.ts";
import { buildManifest } from "../models/build-manifest.ts";
import { defaultModelSources } from "../models/default-models.ts";
import { jsonArg, printResult, UserError } from "../output.ts";

export const originCommand = defineCommand({
  meta: { name: "origin", description: "Run a regional origin server (see docs/origin.md for the config file)" },
  args: {
    config: { type: "string", description: "Path to the origin's JSON config", required: true },
    port: { type: "string", description: "Override the config's port (0 picks a free one)" },
    "default-models": {
      type: "boolean",
      description: "Also serve the default models (installed into the data directory)",
      default: false,
    },
    json: jsonArg,
  },
  async run({ args }) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(args.config, "utf8"));
    } catch (error) {
      throw new UserError(`cannot read ${args.config}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = OriginConfigSchema.safeParse(raw);
    if (!parsed.success) {
      throw new UserError(
        `${args.config}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    const config = parsed.data;
    if (args.port !== undefined) {
      config.port = Number(args.port);
    }
    if (args["default-models"]) {
      const models = await Promise.all(defaultModelSources().map((s) => buildManifest(s)));
      config.manifests = [...config.manifests, ...(await installOriginModels(config.data_dir, models))];
    }
    await assertPortFree(config.port, config.host, `origin ${config.region}`);
    const origin = await startOrigin(config);
    printResult(
      args.json,
      { url: origin.url, region: config.region },
      () => `origin ${config.region} listening on ${origin.url} (ready when ${origin.url}/readyz says so)`,
    );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await origin.shutdown();
    process.exit(0);
  },
});
