/**
 * @module
 * `edgefleet dev` (`npm start`): the whole network on loopback (`cli/local/dev-network.ts`):
 * two edge PoPs in workerd, two origin regions, the control plane with a signed registry of
 * the default models, rolled out through the control plane; prints the URLs, the time to
 * ready and a first request. Ctrl-C stops everything.
 */
import { defineCommand } from "citty";
import { portLayout, startDevNetwork } from "../local/dev-network.ts";
import { jsonArg, printResult, UserError } from "../output.ts";

function portArg(text: string | undefined, name: string): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new UserError(`--${name} must be a port number (0-65535), got ${JSON.stringify(text)}`);
  }
  return n;
}

export const devCommand = defineCommand({
  meta: {
    name: "dev",
    description:
      "Run the whole edgefleet network on this machine: edges pop-a and pop-b (workerd), origins us-east and eu-west, the control plane with its dashboard. Ports from --port P: pop-a P, pop-b P+1, control P+2, origins P+3 and P+4 (0: free ports).",
  },
  args: {
    port: { type: "string", description: "Base port (see the layout above)", default: "8787" },
    "control-port": { type: "string", description: "Control plane port (default: base + 2)" },
    host: { type: "string", description: "Address to listen on", default: "127.0.0.1" },
    state: {
      type: "string",
      description: "Directory for local state (registry, keys, origin data, logs); recreated at each start",
      default: ".edgefleet/dev",
    },
    json: jsonArg,
  },
  async run({ args }) {
    const base = portArg(args.port, "port") ?? 8787;
    const ports = portLayout(base);
    ports.control = portArg(args["control-port"], "control-port") ?? ports.control;
    const network = await startDevNetwork({
      host: args.host,
      ports,
      stateDir: args.state,
      ...(process.env.EDGEFLEET_ADMIN_TOKEN ? { adminToken: process.env.EDGEFLEET_ADMIN_TOKEN } : {}),
      ...(process.env.EDGEFLEET_OPERATOR_TOKEN ? { operatorToken: process.env.EDGEFLEET_OPERATOR_TOKEN } : {}),
      onProgress: (m) => {
        if (!args.json) {
          process.stdout.write(`${m}\n`);
        }
      },
    });
    const [a, b] = network.pops;
    const info = {
      pops: network.pops,
      origins: network.origins,
      control: network.control,
      models: network.models,
      admin_token: network.adminToken,
      operator_token: network.operatorToken,
      keys_dir: network.keysDir,
      registry_dir: network.registryDir,
      ready_ms: network.readyMs,
    };
    printResult(args.json, info, () =>
      [
        "",
        `edgefleet is up in ${(network.readyMs / 1000).toFixed(1)} s`,
        ...network.pops.map((p) => `  ${`edge ${p.pop}:`.padEnd(18)}${p.url}`),
        ...network.origins.map((o) => `  ${`origin ${o.region}:`.padEnd(18)}${o.url}  (log: ${o.log})`),
        `  control plane:    ${network.control.url}  (metrics: ${network.control.metrics})`,
        `  dashboard:        ${network.control.dashboard}`,
        `  models:           ${network.models.join(", ")}`,
        `  admin token:      ${network.adminToken}`,
        `  operator token:   ${network.operatorToken}`,
        "",
        "Try:",
        `  curl ${a?.url}/v1/models`,
        `  curl -s ${a?.url}/v1/embeddings -H 'content-type: application/json' -d '{"model":"use-lite","input":"hello edge"}' | head -c 200`,
        `  curl -si ${b?.url}/v1/predict -H 'content-type: application/json' \\`,
        `    -d '{"model":"silero-vad","input":{"audio":[0,0.01,-0.02,0.03],"sample_rate":16000}}'`,
        "",
        "Operate it (publish into the dev registry, roll out, watch the dashboard):",
        `  export EDGEFLEET_CONTROL=${network.control.url} EDGEFLEET_TOKEN=${network.operatorToken}`,
        `  npx edgefleet status`,
        `  npx edgefleet publish <model.onnx> --model <id> --version <semver> --task <task> --registry ${network.registryDir} --keys ${network.keysDir}`,
        `  npx edgefleet rollout <id>@<semver> --canary 50`,
        "",
        "Ctrl-C stops everything.",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        // Miniflare's exit hook would kill workerd and exit 130 at once, before the origins drain;
        // stop it from racing the orderly close below (its exit hook still kills workerd if we crash).
        process.removeAllListeners(signal);
        // Kept installed: Ctrl-C reaches this process from the terminal and again through npm/tsx,
        // and a repeat must not cut the close short.
        process.on(signal, () => resolve());
      }
    });
    if (!args.json) {
      process.stdout.write("\nStopping…\n");
    }
    await network.close();
    process.exit(0);
  },
});
