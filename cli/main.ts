/**
 * @module
 * The `edgefleet` command.
 */
import { defineCommand, runCommand, runMain } from "citty";
import { devCommand } from "./commands/dev.ts";
import { originCommand } from "./commands/origin.ts";
import { popCommand } from "./commands/pop.ts";
import { UserError } from "./output.ts";

const main = defineCommand({
  meta: { name: "edgefleet", version: "0.1.0", description: "Serve AI models at the edge" },
  subCommands: { dev: devCommand, pop: popCommand, origin: originCommand },
});

const rawArgs = process.argv.slice(2);
const wantsUsage = rawArgs.length === 0 || rawArgs.some((a) => a === "--help" || a === "-h" || a === "--version");

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
