/**
 * @module
 * `edgefleet pop`: a self-hosted edge PoP on Node (onnxruntime-node), serving the default
 * models from a data directory. The same HTTP API as the Worker.
 */
import { defineCommand } from "citty";
import { randomBytes } from "node:crypto";
import { startNodePop } from "../../edge/node/node-pop.ts";
import { assertPortFree } from "../local/port-check.ts";
import { seedEdge } from "../local/seed-edge.ts";
import { buildManifest } from "../models/build-manifest.ts";
import { defaultModelSources } from "../models/default-models.ts";
import { jsonArg, printResult } from "../output.ts";

export const popCommand = defineCommand({
  meta: { name: "pop", description: "Run a self-hosted edge PoP on Node with onnxruntime-node" },
  args: {
    port: { type: "string", description: "Port", default: "8790" },
    host: { type: "string", description: "Address to listen on", default: "127.0.0.1" },
    pop: { type: "string", description: "Name of the PoP", default: "node-local" },
    data: { type: "string", description: "Directory for model files", default: ".edgefleet/pop" },
    threads: { type: "string", description: "Intra-op threads per session", default: "1" },
    auth: { type: "string", description: "API keys on /v1/*: on, or off for local development", default: "on" },
    json: jsonArg,
  },
  async run({ args }) {
    const port = Number(args.port);
    await assertPortFree(port, args.host, `PoP ${args.pop}`);
    const adminToken = process.env.EDGEFLEET_ADMIN_TOKEN ?? randomBytes(16).toString("hex");
    const pop = await startNodePop({
      pop: args.pop,
      dataDir: args.data,
      adminToken,
      port,
      host: args.host,
      threads: Number(args.threads),
      auth: args.auth === "off" ? "off" : "on",
    });
    const models = await Promise.all(defaultModelSources().map((s) => buildManifest(s)));
    await seedEdge(pop.url, adminToken, models);
    printResult(args.json, { url: pop.url, pop: args.pop }, () => `PoP ${args.pop} (Node) listening on ${pop.url}`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await pop.close();
  },
});
