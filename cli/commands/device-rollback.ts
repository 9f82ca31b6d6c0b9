/**
 * @module
 * `edgefleet device rollback <model>`: makes the previous version (N-1) current again, by one
 * atomic pointer write. The version left stays installed (as the new N-1), so a second
 * rollback returns to it; sync does not reinstall it on its own.
 */
import { defineCommand } from "citty";
import { jsonArg, printResult } from "../output.ts";
import { asDeviceUserErrors, deviceAt, dirArg } from "./device-common.ts";

export const deviceRollbackCommand = defineCommand({
  meta: { name: "rollback", description: "Return a model to its previous installed version (N-1)" },
  args: {
    model: { type: "positional", description: "Model id", required: true },
    dir: dirArg,
    json: jsonArg,
  },
  async run({ args }) {
    const pointer = await asDeviceUserErrors(() => deviceAt(args.dir).rollback(args.model));
    printResult(
      args.json,
      { model: pointer.model, current: pointer.current, previous: pointer.previous },
      () =>
        `${pointer.model}: now running ${pointer.current.version} (rolled back from ${pointer.previous?.version}; ` +
        `sync will not reinstall ${pointer.previous?.version} by itself — roll back again to return to it)`,
    );
  },
});
