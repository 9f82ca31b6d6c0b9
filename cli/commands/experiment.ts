/**
 * @module
 * `edgefleet experiment start --model m --control 1.0.0 --candidate 2.0.0 --percent 50
 * [--split-by user|tenant] [--id x]`, `edgefleet experiment status [<id>]` and `edgefleet
 * experiment stop <id> [--keep control|candidate]`: A/B experiments on the control plane
 * (docs/monitoring.md, "A/B experiments"). Every subcommand takes `--json`.
 */
import { defineCommand } from "citty";
import { z } from "zod";
import { ExperimentSchema } from "../../shared/monitoring/experiment.ts";
import { ArmSchema } from "../../shared/sync/experiment-api.ts";
import { asControlErrors, controlClient, serverArg, tokenArg } from "../control/control-args.ts";
import { formatExperiment } from "../control/format-experiment.ts";
import { jsonArg, printResult, UserError } from "../output.ts";

const StartArgsSchema = ExperimentSchema.extend({
  id: ExperimentSchema.shape.id.optional(),
  percent: z.coerce.number().min(0).max(100),
});

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`--${String(issue?.path[0] ?? "").replace("_", "-")}: ${issue?.message ?? "invalid value"}`);
  }
  return parsed.data;
}

const startCommand = defineCommand({
  meta: { name: "start", description: "Split a model's traffic between two versions by a stable hash of the user" },
  args: {
    model: { type: "string", description: "Model id", required: true },
    control: { type: "string", description: "The control version (arm A; becomes the stable version)", required: true },
    candidate: { type: "string", description: "The candidate version (arm B)", required: true },
    percent: { type: "string", description: "Share of users on the candidate (0-100)", default: "50" },
    "split-by": { type: "string", description: "Hash the end user (user) or the tenant (tenant)", default: "user" },
    id: { type: "string", description: "Experiment id (default: the model and the start time)" },
    server: serverArg,
    token: tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const request = check(StartArgsSchema, {
      model: args.model,
      control: args.control,
      candidate: args.candidate,
      percent: args.percent,
      split_by: args["split-by"],
      ...(args.id === undefined ? {} : { id: args.id }),
    });
    const client = controlClient(args);
    const status = await asControlErrors(() => client.startExperiment(request));
    printResult(args.json, status, () => formatExperiment(status));
  },
});

const statusCommand = defineCommand({
  meta: {
    name: "status",
    description: "Per-arm requests, latency, errors, drift and accuracy, and the significance test",
  },
  args: {
    id: { type: "positional", description: "Experiment id (default: every experiment)", required: false },
    server: serverArg,
    token: tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const client = controlClient(args);
    if (args.id) {
      const id = args.id;
      const status = await asControlErrors(() => client.experiment(id));
      printResult(args.json, status, () => formatExperiment(status));
      return;
    }
    const all = await asControlErrors(() => client.experiments());
    printResult(args.json, { experiments: all }, () =>
      all.length === 0 ? "no experiments" : all.map(formatExperiment).join("\n"),
    );
  },
});

const stopCommand = defineCommand({
  meta: { name: "stop", description: "End an experiment; --keep candidate makes the candidate the stable version" },
  args: {
    id: { type: "positional", description: "Experiment id", required: true },
    keep: { type: "string", description: "The arm that stays: control (default) or candidate", default: "control" },
    server: serverArg,
    token: tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const keep = ArmSchema.safeParse(args.keep);
    if (!keep.success) {
      throw new UserError("--keep must be control or candidate");
    }
    const client = controlClient(args);
    const status = await asControlErrors(() => client.stopExperiment(args.id, { keep: keep.data }));
    printResult(args.json, status, () => formatExperiment(status));
  },
});

export const experimentCommand = defineCommand({
  meta: { name: "experiment", description: "A/B experiments between two versions of a model" },
  subCommands: { start: startCommand, status: statusCommand, stop: stopCommand },
});
