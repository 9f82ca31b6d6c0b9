/**
 * @module
 * `edgefleet publish <file|dir> --model <id> --version <semver>`: chunks the model, uploads
 * the chunks the registry lacks, and signs the new version into the registry's TUF metadata.
 * Publishing the same version with the same content again changes nothing; with different
 * content it is refused.
 */
import { defineCommand } from "citty";
import { ModelIdSchema, type Task, TaskSchema } from "../../shared/manifest/model-manifest.ts";
import { jsonArg, UserError } from "../output.ts";
import { keysArg, registryArg, requireSemver, timestampArg } from "../registry/common-args.ts";
import { readModelInput } from "../registry/model-input.ts";
import { openForPublish, publishDraft } from "../registry/publish-draft.ts";
import { asUserErrors } from "../registry/user-errors.ts";
import { readFile } from "node:fs/promises";

function parseMetrics(raw: string | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const pair of (raw ?? "").split(",").filter((p) => p.trim() !== "")) {
    const [key, value] = pair.split("=");
    const n = Number(value);
    if (!key || value === undefined || !Number.isFinite(n)) {
      throw new UserError(`--metrics takes name=number pairs, comma-separated (got ${JSON.stringify(pair)})`);
    }
    metrics[key.trim()] = n;
  }
  return metrics;
}

function parseSettings(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) {
    return {};
  }
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new UserError("--settings must be a JSON object");
}

export const publishCommand = defineCommand({
  meta: { name: "publish", description: "Publish a model version to the registry (chunked, signed with TUF)" },
  args: {
    path: { type: "positional", description: "The .onnx file, or a directory with one .onnx and its extra files" },
    model: { type: "string", description: "Model id (a-z 0-9 . _ -)", required: true },
    version: { type: "string", description: "Semantic version, e.g. 1.2.0", required: true },
    task: { type: "string", description: `Task: ${TaskSchema.options.join(", ")}`, default: "raw" },
    parent: { type: "string", description: "Parent version (default: the highest published one below this)" },
    description: { type: "string", description: "What the model does" },
    license: { type: "string", description: "Licence of the weights" },
    metrics: { type: "string", description: "Free-form metrics, e.g. accuracy=0.91,latency_ms=12" },
    settings: { type: "string", description: "Task settings (pre/post-processing, tokenizer) as a JSON object" },
    golden: {
      type: "string",
      description:
        "A JSON file with a predict input: its output on onnxruntime-node is recorded, and edges check it before cutover",
    },
    reference: {
      type: "string",
      description:
        "Drift reference set: a JSON array (or JSON Lines) of predict inputs, profiled on onnxruntime-node and signed with the manifest",
    },
    "drift-threshold": {
      type: "string",
      description: "Combined drift score (max PSI) that raises an alert",
      default: "0.25",
    },
    registry: registryArg,
    keys: keysArg,
    "timestamp-expires": timestampArg,
    json: jsonArg,
  },
  async run({ args }) {
    if (!args.path) {
      throw new UserError("name the model: edgefleet publish <file.onnx|dir> --model <id> --version <semver>");
    }
    const path = args.path;
    requireSemver("--version", args.version);
    if (args.parent !== undefined) {
      requireSemver("--parent", args.parent);
    }
    if (!ModelIdSchema.safeParse(args.model).success) {
      throw new UserError(`--model ${JSON.stringify(args.model)}: ids are 1-64 characters of a-z, 0-9, '.', '_', '-'`);
    }
    const task = TaskSchema.safeParse(args.task);
    if (!task.success) {
      // The schema's own message: it says why a known but unsupported task (text-classification) is refused.
      throw new UserError(`--task ${args.task}: ${task.error.issues[0]?.message ?? "unknown task"}`);
    }
    if (task.data === "cache-scorer") {
      throw new UserError(
        "a cache scorer is published with edgefleet cache publish --scorer <file> --version <semver>",
      );
    }
    // Refuse early, before reading and chunking the model, when a signing key is missing.
    const opened = await openForPublish(args);
    const draft = await readModelInput(path, {
      id: args.model,
      version: args.version,
      task: task.data as Task,
      description: args.description,
      license: args.license,
      parent: args.parent,
      metrics: parseMetrics(args.metrics),
      settings: parseSettings(args.settings),
    });
    if (args.golden !== undefined) {
      const goldenPath = args.golden;
      const input = await asUserErrors(async () => JSON.parse(await readFile(goldenPath, "utf8")) as unknown);
      // Loaded on demand: onnxruntime-node is needed only to record a golden output.
      const { recordGolden } = await import("../registry/golden.ts");
      draft.golden = await recordGolden(draft, input);
    }
    if (args.reference !== undefined) {
      const referencePath = args.reference;
      const alertAt = Number(args["drift-threshold"]);
      if (!Number.isFinite(alertAt) || alertAt <= 0) {
        throw new UserError("--drift-threshold must be a positive number such as 0.25");
      }
      const text = await asUserErrors(() => readFile(referencePath, "utf8"));
      const { parseReferenceInputs, recordReferenceProfile } = await import("../registry/reference-profile.ts");
      draft.monitoring = await recordReferenceProfile(draft, parseReferenceInputs(text), alertAt);
    }
    await publishDraft(opened, draft);
  },
});
