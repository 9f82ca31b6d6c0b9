/**
 * @module
 * `edgefleet publish <file|dir> --model <id> --version <semver>`: chunks the model, uploads
 * the chunks the registry lacks, and signs the new version into the registry's TUF metadata.
 * Publishing the same version with the same content again changes nothing; with different
 * content it is refused.
 */
import { defineCommand } from "citty";
import semverValid from "semver/functions/valid";
import { ModelIdSchema, type Task, TaskSchema } from "../../shared/manifest/model-manifest.ts";
import { publishModel } from "../../shared/registry/publish.ts";
import { pick } from "../../shared/registry/repository.ts";
import { jsonArg, printResult, UserError } from "../output.ts";
import { keysArg, parseDuration, registryArg, timestampArg } from "../registry/common-args.ts";
import { loadKeys } from "../registry/key-files.ts";
import { readModelInput } from "../registry/model-input.ts";
import { openRegistry, withWriteLock } from "../registry/open-registry.ts";
import { publishProgressBar } from "../registry/progress.ts";
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

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
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
    if (semverValid(args.version) !== args.version) {
      throw new UserError(`--version ${JSON.stringify(args.version)} is not a semantic version such as 1.2.0`);
    }
    if (args.parent !== undefined && semverValid(args.parent) !== args.parent) {
      throw new UserError(`--parent ${JSON.stringify(args.parent)} is not a semantic version`);
    }
    if (!ModelIdSchema.safeParse(args.model).success) {
      throw new UserError(`--model ${JSON.stringify(args.model)}: ids are 1-64 characters of a-z, 0-9, '.', '_', '-'`);
    }
    const task = TaskSchema.safeParse(args.task);
    if (!task.success) {
      throw new UserError(`--task must be one of ${TaskSchema.options.join(", ")}`);
    }
    const seconds = parseDuration(args["timestamp-expires"]);
    if (seconds === null || seconds < 60) {
      throw new UserError("--timestamp-expires must look like 1d, 12h or 30m");
    }
    const registry = openRegistry(args.registry, { timestampSeconds: seconds });
    const keyring = (await loadKeys(args.keys)).map((k) => k.signer);
    if (keyring.length === 0) {
      throw new UserError(`no signing keys in ${args.keys} (run edgefleet keys init, or pass --keys <dir>)`);
    }
    // Refuse early, before reading and chunking the model, when a signing key is missing.
    await asUserErrors(async () => {
      const root = (await registry.repository.state()).root.signed;
      for (const role of ["targets", "snapshot", "timestamp"] as const) {
        pick(root, role, keyring);
      }
    });
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
    const bar = publishProgressBar(!args.json);
    const result = await withWriteLock(args.registry, () =>
      asUserErrors(() =>
        publishModel(draft, {
          blobs: registry.blobs,
          repository: registry.repository,
          keyring,
          onProgress: (p) => bar.update(p),
        }),
      ),
    ).finally(() => bar.stop());
    const { manifest, ...summary } = result;
    printResult(args.json, { ...summary, parent: manifest.parent ?? null, task: manifest.task }, () => {
      if (result.status === "unchanged") {
        return `${result.id}@${result.version} is already published with this exact content; nothing changed.`;
      }
      return [
        `Published ${result.id}@${result.version} (${manifest.task}${manifest.parent ? `, parent ${manifest.parent}` : ""})`,
        `  ${result.chunks} chunks, ${mb(result.totalBytes)} MB: ${result.uploadedChunks} uploaded (${mb(result.uploadedBytes)} MB), ${result.reusedChunks} already stored`,
        `  manifest sha256 ${result.manifestSha256}`,
        `  registry: targets v${result.registry?.targets}, snapshot v${result.registry?.snapshot}, timestamp v${result.registry?.timestamp}`,
      ].join("\n");
    });
  },
});
