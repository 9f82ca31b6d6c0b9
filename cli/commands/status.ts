/**
 * @module
 * `edgefleet status [--watch] [--json]`: desired state per model and, per PoP, the served
 * version, readiness and health. `--watch` prints it again every `--interval` seconds.
 */
import { defineCommand } from "citty";
import { asControlErrors, controlClient, serverArg, tokenArg } from "../control/control-args.ts";
import { formatStatus } from "../control/format-status.ts";
import { jsonArg, printResult, UserError } from "../output.ts";

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Per-PoP versions, readiness and health of the fleet" },
  args: {
    watch: { type: "boolean", description: "Print again every --interval seconds until interrupted", default: false },
    interval: { type: "string", description: "Seconds between prints with --watch", default: "2" },
    server: serverArg,
    token: tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const client = controlClient(args);
    const interval = Number(args.interval);
    if (!(interval > 0)) {
      throw new UserError("--interval takes a positive number of seconds");
    }
    for (;;) {
      const status = await asControlErrors(() => client.status());
      printResult(args.json, status, () => formatStatus(status));
      if (!args.watch) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    }
  },
});
