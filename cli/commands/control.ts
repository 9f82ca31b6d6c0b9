/**
 * @module
 * `edgefleet control serve`: the self-hosted control plane on Node — the registry read API
 * over a registry directory, the change feed and the operator API.
 */
import { defineCommand } from "citty";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { jsonArg, printResult, UserError } from "../output.ts";
import { parseDuration, registryArg } from "../registry/common-args.ts";

function retrainEveryMs(text: string): number {
  const seconds = parseDuration(text);
  // Under a minute a retrain (k-fold tuning) could still be running when the next is due.
  if (seconds === null || seconds < 60) {
    throw new UserError(`--retrain-every must look like 1h, 30m or 5m (got ${JSON.stringify(text)})`);
  }
  return seconds * 1000;
}

const serve = defineCommand({
  meta: { name: "serve", description: "Run the control plane (registry read API, change feed, rollouts)" },
  args: {
    registry: registryArg,
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8788" },
    token: { type: "string", description: "Operator bearer token (default: $EDGEFLEET_TOKEN)" },
    "edge-token": {
      type: "string",
      description: "Token edges use for feed and reports (default: $EDGEFLEET_EDGE_TOKEN)",
    },
    "device-app": {
      type: "string",
      description: "Serve the browser device at /device/ from this folder (built there first if it holds no build)",
    },
    "retrain-every": {
      type: "string",
      description:
        "Retrain tenants' cache scorers with new feedback this often, e.g. 15m, 1h (default: off; drift still retrains)",
    },
    json: jsonArg,
  },
  async run({ args }) {
    const operatorToken = args.token ?? process.env.EDGEFLEET_TOKEN;
    if (!operatorToken) {
      throw new UserError("set an operator token: --token or EDGEFLEET_TOKEN");
    }
    const edgeToken = args["edge-token"] ?? process.env.EDGEFLEET_EDGE_TOKEN;
    const { startControlPlane } = await import("../../control/node-server.ts");
    const deviceApp = args["device-app"];
    if (deviceApp && !existsSync(join(deviceApp, "build.json"))) {
      const { buildDeviceApp } = await import("../browser/build-device-app.ts");
      await buildDeviceApp(deviceApp);
    }
    const running = await startControlPlane({
      registryDir: args.registry,
      host: args.host,
      port: Number(args.port),
      operatorToken,
      ...(edgeToken ? { edgeToken } : {}),
      ...(deviceApp ? { deviceAppDir: deviceApp } : {}),
      ...(args["retrain-every"] ? { retrainEveryMs: retrainEveryMs(args["retrain-every"]) } : {}),
    });
    printResult(
      args.json,
      { url: running.url, ...(deviceApp ? { device: `${running.url}/device/` } : {}) },
      () => `control plane on ${running.url}${deviceApp ? ` (browser device: ${running.url}/device/)` : ""}`,
    );
    const stop = () => void running.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
});

export const controlCommand = defineCommand({
  meta: { name: "control", description: "The control plane" },
  subCommands: { serve },
});
