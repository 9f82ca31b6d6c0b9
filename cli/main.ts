/**
 * @module
 * The `edgefleet` command.
 */
import { defineCommand, runCommand, runMain } from "citty";
import { devCommand } from "./commands/dev.ts";
import { keysCommand } from "./commands/keys.ts";
import { modelsCommand } from "./commands/models.ts";
import { popCommand } from "./commands/pop.ts";
import { publishCommand } from "./commands/publish.ts";
import { UserError } from "./output.ts";

const main = defineCommand({
  meta: { name: "edgefleet", version: "0.1.0", description: "Serve AI models at the edge" },
  subCommands: { dev: devCommand, pop: popCommand, keys: keysCommand, publish: publishCommand, models: modelsCommand },
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
