/**
 * @module
 * `edgefleet pop`: a self-hosted edge PoP on Node (onnxruntime-node), serving the default
 * models from a data directory. The same HTTP API and the same configuration as the Worker:
 * an origin table to fail over to, and a control plane to sync signed model rollouts from.
 * A setting that does not parse stops it before it listens (exit code 2, every bad setting named).
 */
import { defineCommand } from "citty";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigError } from "../../edge/config.ts";
import { type RunningNodePop, startNodePop } from "../../edge/node/node-pop.ts";
import { assertPortFree } from "../local/port-check.ts";
import { seedEdge } from "../local/seed-edge.ts";
import { buildManifest } from "../models/build-manifest.ts";
import { defaultModelSources } from "../models/default-models.ts";
import { jsonArg, printResult, UserError } from "../output.ts";

const FlagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  threads: z.coerce.number().int().min(1).max(256),
  "sync-interval": z.coerce.number().positive(),
});

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const popCommand = defineCommand({
  meta: { name: "pop", description: "Run a self-hosted edge PoP on Node with onnxruntime-node" },
  args: {
    port: { type: "string", description: "Port", default: "8790" },
    host: { type: "string", description: "Address to listen on", default: "127.0.0.1" },
    pop: { type: "string", description: "Name of the PoP", default: "node-local" },
    data: { type: "string", description: "Directory for model files", default: ".edgefleet/pop" },
    threads: { type: "string", description: "Intra-op threads per session", default: "1" },
    auth: { type: "string", description: "API keys on /v1/*: on, or off for local development", default: "on" },
    origins: {
      type: "string",
      description: "Origin table to fail over to (the Worker's ORIGINS): a JSON file, or inline JSON",
    },
    "control-url": { type: "string", description: "Control plane URL (CONTROL_URL): sync reports, cache feedback" },
    "trusted-root": {
      type: "string",
      description:
        "The registry's root.json file this PoP trusts (TRUSTED_ROOT); with --control-url, the sync agent runs",
    },
    "control-token": {
      type: "string",
      description: "Bearer token for the control plane's edge routes (default: $EDGEFLEET_CONTROL_TOKEN)",
    },
    "sync-interval": { type: "string", description: "Seconds between the sync agent's own rounds", default: "60" },
    json: jsonArg,
  },
  async run({ args }) {
    const flags = FlagsSchema.safeParse(args);
    if (!flags.success) {
      throw new UserError(flags.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
    }
    const origins = args.origins?.trimStart().startsWith("{")
      ? args.origins
      : args.origins === undefined
        ? undefined
        : await readText(args.origins, "origin table");
    const trustedRoot =
      args["trusted-root"] === undefined ? undefined : await readText(args["trusted-root"], "trusted root");
    const controlUrl = args["control-url"];
    if (controlUrl === undefined && trustedRoot !== undefined) {
      throw new UserError("--trusted-root needs --control-url (the control plane to sync from)");
    }
    const controlToken = args["control-token"] ?? process.env.EDGEFLEET_CONTROL_TOKEN;
    await assertPortFree(flags.data.port, args.host, `PoP ${args.pop}`);
    const adminToken = process.env.EDGEFLEET_ADMIN_TOKEN ?? randomBytes(16).toString("hex");
    let pop: RunningNodePop;
    try {
      pop = await startNodePop({
        pop: args.pop,
        dataDir: args.data,
        adminToken,
        port: flags.data.port,
        host: args.host,
        threads: flags.data.threads,
        ...(origins === undefined ? {} : { origins }),
        ...(controlUrl === undefined
          ? {}
          : {
              control: {
                url: controlUrl,
                ...(trustedRoot === undefined ? {} : { trustedRoot }),
                ...(controlToken === undefined ? {} : { token: controlToken }),
              },
            }),
        syncIntervalMs: flags.data["sync-interval"] * 1000,
        // By its variable name, so a bad value is named the way the Worker names it.
        env: { AUTH: args.auth },
      });
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new UserError(error.message);
      }
      throw error;
    }
    const models = await Promise.all(defaultModelSources().map((s) => buildManifest(s)));
    await seedEdge(pop.url, adminToken, models);
    printResult(
      args.json,
      { url: pop.url, pop: args.pop, origins: pop.config.origins?.origins.length ?? 0, sync: pop.sync },
      () =>
        `PoP ${args.pop} (Node) listening on ${pop.url}` +
        (pop.config.origins ? `, ${pop.config.origins.origins.length} origin(s)` : "") +
        (pop.sync ? `, syncing from ${controlUrl}` : ""),
    );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await pop.close();
  },
});
