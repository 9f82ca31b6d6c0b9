/**
 * @module
 * `edgefleet rollout <model>@<version> --channel stable|canary [--canary <percent>]`,
 * `edgefleet promote <model>` and `edgefleet rollback <model>`: change the desired state on
 * the control plane; the fleet converges through the change feed.
 */
import { defineCommand } from "citty";
import { ChannelSchema } from "../../shared/sync/protocol.ts";
import { asControlErrors, controlClient, parseRef, serverArg, tokenArg } from "../control/control-args.ts";
import { describeRollout } from "../control/format-status.ts";
import { jsonArg, printResult, UserError } from "../output.ts";

export const rolloutCommand = defineCommand({
  meta: {
    name: "rollout",
    description: "Roll a published version out to a channel (stable, or canary with a percentage)",
  },
  args: {
    ref: { type: "positional", description: "<model>@<version>", required: true },
    channel: { type: "string", description: "stable or canary", default: "stable" },
    canary: { type: "string", description: "Canary percentage (0-100; implies --channel canary)" },
    server: serverArg,
    token: tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const { model, version } = parseRef(args.ref);
    const channel = ChannelSchema.safeParse(args.canary === undefined ? args.channel : "canary");
    if (!channel.success) {
      throw new UserError("--channel must be stable or canary");
    }
    const percent = args.canary === undefined ? undefined : Number(args.canary);
    if (percent !== undefined && !(percent >= 0 && percent <= 100)) {
      throw new UserError("--canary takes a percentage between 0 and 100");
    }
    const client = controlClient(args);
    const rollout = await asControlErrors(() =>
      client.rollout({ model, version, channel: channel.data, ...(percent === undefined ? {} : { percent }) }),
    );
    printResult(args.json, rollout, () => describeRollout(rollout));
  },
});

/** A command that changes one model's desired state by name: promote, rollback. */
function modelCommand(
  name: string,
  description: string,
  change: (
    client: ReturnType<typeof controlClient>,
    model: string,
  ) => ReturnType<ReturnType<typeof controlClient>["promote"]>,
) {
  return defineCommand({
    meta: { name, description },
    args: {
      model: { type: "positional", description: "Model id", required: true },
      server: serverArg,
      token: tokenArg,
      json: jsonArg,
    },
    async run({ args }) {
      const client = controlClient(args);
      const rollout = await asControlErrors(() => change(client, args.model));
      printResult(args.json, rollout, () => describeRollout(rollout));
    },
  });
}

export const promoteCommand = modelCommand(
  "promote",
  "Make a model's canary version its stable version everywhere",
  (client, model) => client.promote(model),
);

export const rollbackCommand = modelCommand(
  "rollback",
  "End a model's canary, or go back to its previous stable version (a new, higher generation)",
  (client, model) => client.rollback(model),
);
