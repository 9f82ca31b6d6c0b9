/**
 * A device sync in its own process, for the crash tests: `tsx device-sync-child.ts <dir>
 * <server> <model> <crash-after> [<steps-log>]`. With crash-after k > 0 the process kills itself
 * with SIGKILL right after its k-th filesystem step (no cleanup, no flush: a power cut as far as
 * the process is concerned); with a steps log it appends every step it takes, one JSON per line.
 */
import { appendFileSync } from "node:fs";
import { openDevice } from "../../device/device.ts";

const [dir, server, model, crashAfter, log] = process.argv.slice(2);
if (!dir || !server || !model || crashAfter === undefined) {
  throw new Error("usage: device-sync-child.ts <dir> <server> <model> <crash-after> [<steps-log>]");
}
const k = Number(crashAfter);
const device = openDevice({
  dir,
  onFsStep: (step) => {
    if (log) {
      appendFileSync(log, `${JSON.stringify(step)}\n`);
    }
    if (step.n === k) {
      process.kill(process.pid, "SIGKILL");
    }
  },
});
const result = await device.sync({ server, models: [model] });
process.stdout.write(`${JSON.stringify({ ok: result.ok, models: result.models })}\n`);
