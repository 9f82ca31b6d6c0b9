/**
 * @module
 * The `edgefleet` command.
 */
import { defineCommand, runCommand, runMain } from "citty";
import { UserError } from "./output.ts";

const main = defineCommand({
  meta: { name: "edgefleet", version: "0.1.0", description: "Serve AI models at the edge" },
  // Loaded on demand: `edgefleet publish` need not load workerd's tooling, nor `dev` the registry's.
  subCommands: {
    dev: () => import("./commands/dev.ts").then((m) => m.devCommand),
    pop: () => import("./commands/pop.ts").then((m) => m.popCommand),
    origin: () => import("./commands/origin.ts").then((m) => m.originCommand),
    quantize: () => import("./commands/quantize.ts").then((m) => m.quantizeCommand),
    import: () => import("./commands/import.ts").then((m) => m.importCommand),
    keys: () => import("./commands/keys.ts").then((m) => m.keysCommand),
    publish: () => import("./commands/publish.ts").then((m) => m.publishCommand),
    models: () => import("./commands/models.ts").then((m) => m.modelsCommand),
    control: () => import("./commands/control.ts").then((m) => m.controlCommand),
    rollout: () => import("./commands/rollout.ts").then((m) => m.rolloutCommand),
    promote: () => import("./commands/rollout.ts").then((m) => m.promoteCommand),
    rollback: () => import("./commands/rollout.ts").then((m) => m.rollbackCommand),
    status: () => import("./commands/status.ts").then((m) => m.statusCommand),
    experiment: () => import("./commands/experiment.ts").then((m) => m.experimentCommand),
    device: () => import("./commands/device.ts").then((m) => m.deviceCommand),
    cache: () => import("./commands/cache.ts").then((m) => m.cacheCommand),
  },
});

const rawArgs = process.argv.slice(2);
// `--version` alone asks for edgefleet's version; after a command it is that command's
// option (`publish --version 1.2.0`).
const wantsUsage =
  rawArgs.length === 0 || rawArgs[0] === "--version" || rawArgs.some((a) => a === "--help" || a === "-h");

if (wantsUsage) {
  await runMain(main);
} else {
  try {
    await runCommand(main, { rawArgs });
  } catch (error) {
    // A user's mistake gets one clear line; anything else is a bug and keeps its stack.
    if (error instanceof UserError || (error instanceof Error && error.name === "CLIError")) {
      process.stderr.write(`error: ${error.message}\n(see edgefleet ${rawArgs[0] ?? ""} --help)\n`);
      process.exitCode = 2;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  }
}
