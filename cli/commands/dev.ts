/**
 * @module
 * `edgefleet dev`: a local network on loopback. Today: an edge PoP running the real Worker
 * bundle in workerd, seeded with the default models and warmed, ready for requests.
 */
import { defineCommand } from "citty";
import { randomBytes } from "node:crypto";
import { startEdge } from "../local/edge-miniflare.ts";
import { assertPortFree } from "../local/port-check.ts";
import { seedEdge } from "../local/seed-edge.ts";
import { buildManifest } from "../models/build-manifest.ts";
import { defaultModelSources } from "../models/default-models.ts";
import { jsonArg, printResult } from "../output.ts";

export const devCommand = defineCommand({
  meta: { name: "dev", description: "Run an edgefleet network on this machine (edge in workerd, default models)" },
  args: {
    port: { type: "string", description: "Edge port", default: "8787" },
    host: { type: "string", description: "Address to listen on", default: "127.0.0.1" },
    pop: { type: "string", description: "Name of the edge PoP", default: "pop-a" },
    state: {
      type: "string",
      description: "Directory for local state (R2, Durable Objects)",
      default: ".edgefleet/dev",
    },
    json: jsonArg,
  },
  async run({ args }) {
    const port = Number(args.port);
    await assertPortFree(port, args.host, `edge ${args.pop}`);
    const adminToken = process.env.EDGEFLEET_ADMIN_TOKEN ?? randomBytes(16).toString("hex");
    const started = Date.now();
    if (!args.json) {
      process.stdout.write(`Starting edge ${args.pop} in workerd…\n`);
    }
    const edge = await startEdge({ pop: args.pop, adminToken, port, host: args.host, persistDir: args.state });
    const models = await Promise.all(defaultModelSources().map((s) => buildManifest(s)));
    await seedEdge(edge.url, adminToken, models);
    for (const m of models) {
      await fetch(`${edge.url}/v1/models/${m.manifest.id}/warm`, { method: "POST" });
    }
    const info = {
      edge: { pop: args.pop, url: edge.url },
      models: models.map((m) => `${m.manifest.id}@${m.manifest.version}`),
      admin_token: adminToken,
      ready_ms: Date.now() - started,
    };
    printResult(args.json, info, () =>
      [
        `edgefleet is up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `  edge ${args.pop}: ${edge.url}  (models: ${info.models.join(", ")})`,
        `  admin token: ${adminToken}`,
        "",
        "Try:",
        `  curl ${edge.url}/v1/models`,
        `  curl -s ${edge.url}/v1/predict -H 'content-type: application/json' \\`,
        `    -d '{"model":"silero-vad","input":{"audio":[0,0.01,-0.02,0.03],"sample_rate":16000}}'`,
        "",
        "Ctrl-C stops everything.",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    process.stdout.write(args.json ? "" : "\nStopping…\n");
    await edge.close();
  },
});
