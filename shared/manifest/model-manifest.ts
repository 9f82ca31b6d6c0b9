/**
 * @module
 * The manifest of one model version: what it is, which files make it up (by sha256),
 * how its tensors look, what it needs from the runtime, and the task settings that turn
 * requests into tensors and tensors into answers.
 */
import semverValid from "semver/functions/valid";
import { z } from "zod";
import { ModelIoSchema } from "./tensor-spec.ts";
import { ModelMonitoringSchema } from "../monitoring/monitoring-settings.ts";

/** Model ids appear in URLs, storage keys and cache keys: a small safe alphabet. */
export const ModelIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "model ids are 1-64 characters of a-z, 0-9, '.', '_' or '-'");

export const SemverSchema = z
  .string()
  .max(64)
  .refine((v) => semverValid(v) === v, "must be a semantic version such as 1.2.3");

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "must be a lower-case hex sha256");

/**
 * The tasks the engine knows how to pre- and post-process. Any model also answers raw tensors,
 * except `cache-scorer`: a semantic cache's pair scorer (docs/cache-learning.md), published and
 * rolled out like a model but never run by onnxruntime — its one file is `cache-scorer.json`
 * (role `config`), installed by the sync agent as the tenant's scorer.
 */
export const TASKS = ["vad", "ocr-detection", "ocr-recognition", "embeddings", "raw", "cache-scorer"] as const;

/** Tasks a manifest may not name: there is no adapter for them, so a version could only ever fail. */
const UNSUPPORTED_TASKS: Readonly<Record<string, string>> = {
  "text-classification":
    "text-classification has no task adapter (no classification model ships with the engine); publish it as `raw` and post-process the logits yourself",
};

export const TaskSchema = z.enum(TASKS, {
  error: (issue) =>
    (typeof issue.input === "string" ? UNSUPPORTED_TASKS[issue.input] : undefined) ??
    `the task must be one of ${TASKS.join(", ")}`,
});
export type Task = z.infer<typeof TaskSchema>;

export const EXECUTION_PROVIDERS = ["webgpu", "wasm", "cpu", "cuda"] as const;
export const ExecutionProviderSchema = z.enum(EXECUTION_PROVIDERS);
export type ExecutionProvider = z.infer<typeof ExecutionProviderSchema>;

/** One content-defined chunk of a file (shared/chunking): fetched and verified on its own. */
export const ChunkRefSchema = z.object({
  sha256: Sha256Schema,
  size: z.number().int().positive(),
});
export type ChunkRef = z.infer<typeof ChunkRefSchema>;

export const ModelFileSchema = z
  .object({
    /** A plain file name: no directories, so no path can escape the model's folder. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "file names are plain names, no paths"),
    /** `model` is the ONNX graph; the others are data the task adapter reads (vocabularies, dictionaries). */
    role: z.enum(["model", "vocab", "dictionary", "config"]),
    sha256: Sha256Schema,
    size: z.number().int().positive(),
    /**
     * The file's chunks in order (registry manifests have them; a client fetches only the ones
     * it lacks). Absent in manifests handed straight to an edge, which fetch whole files.
     */
    chunks: z.array(ChunkRefSchema).min(1).max(1_000_000).optional(),
  })
  .refine((f) => f.chunks === undefined || f.chunks.reduce((sum, c) => sum + c.size, 0) === f.size, {
    message: "chunk sizes must add up to the file size",
    path: ["chunks"],
  });
export type ModelFile = z.infer<typeof ModelFileSchema>;

export const RuntimeNeedsSchema = z.object({
  /** Providers this model may run on, in order of preference. */
  execution_providers: z.array(ExecutionProviderSchema).min(1).default(["webgpu", "wasm", "cpu"]),
  /** Memory the loaded session needs (wasm heap included); estimated from the file size when absent. */
  memory_mb: z.number().positive().max(4096).optional(),
  opset: z.number().int().positive().optional(),
  /** Upper bound on the elements of any one input tensor: requests beyond it are refused with 400. */
  max_input_elements: z.number().int().positive().default(4_000_000),
  /**
   * onnxruntime session config entries per provider (e.g. for `wasm`, `session.disable_quant_qdq: "1"`
   * dequantizes int8 weights once at load, trading memory for speed; native CPU has fused int8 kernels).
   */
  session_config: z
    .partialRecord(ExecutionProviderSchema, z.record(z.string().regex(/^[a-z_]+(\.[a-z0-9_]+)+$/), z.string().max(64)))
    .default({}),
});
export type RuntimeNeeds = z.infer<typeof RuntimeNeedsSchema>;

export const ModelManifestSchema = z
  .object({
    schema: z.literal("edgefleet.model/v1"),
    id: ModelIdSchema,
    version: SemverSchema,
    task: TaskSchema,
    description: z.string().max(1000).optional(),
    license: z.string().max(100).optional(),
    files: z.array(ModelFileSchema).min(1).max(16),
    io: ModelIoSchema,
    runtime: RuntimeNeedsSchema.default({
      execution_providers: ["webgpu", "wasm", "cpu"],
      max_input_elements: 4_000_000,
      session_config: {},
    }),
    /** Task-specific pre- and post-processing settings; each task adapter validates its own. */
    settings: z.record(z.string(), z.unknown()).default({}),
    /** The version this one was derived from (fine-tune, quantization): shows what changed, and what chunks are shared. */
    parent: SemverSchema.optional(),
    metrics: z.record(z.string(), z.number()).default({}),
    /**
     * A predict input and the output it gave at publish: an edge runs it on the freshly built
     * session and takes the version into service only when the outputs match (sync agent).
     */
    golden: z
      .object({
        input: z.unknown(),
        output: z.unknown(),
        /** Relative tolerance per number (different kernels differ in the last bits). */
        tolerance: z.number().nonnegative().max(1).default(1e-3),
      })
      .optional(),
    /**
     * Drift monitoring: the reference profile computed at publish (signed with this manifest) and
     * the drift threshold; edges sketch live traffic against it (docs/monitoring.md).
     */
    monitoring: ModelMonitoringSchema.optional(),
    /**
     * Tenants this model is private to. Absent: every tenant may use it. Present: the edge serves it
     * only to these tenants and answers 404 to others, so its existence is not revealed.
     */
    private_to: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/))
      .min(1)
      .max(100)
      .optional(),
  })
  .refine((m) => m.task === "cache-scorer" || m.files.filter((f) => f.role === "model").length === 1, {
    message: "a manifest lists exactly one file with role 'model'",
    path: ["files"],
  })
  .refine(
    (m) =>
      m.task !== "cache-scorer" ||
      (m.files.length === 1 && m.files[0]?.role === "config" && m.files[0].name === "cache-scorer.json"),
    { message: "a cache-scorer manifest lists one file: cache-scorer.json with role 'config'", path: ["files"] },
  )
  .refine((m) => new Set(m.files.map((f) => f.name)).size === m.files.length, {
    message: "file names must be unique",
    path: ["files"],
  });

export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** Whether requests may name this model (a cache scorer is installed, not served). */
export function servesRequests(manifest: ModelManifest): boolean {
  return manifest.task !== "cache-scorer";
}

/** The ONNX graph file of a manifest (the schema guarantees there is exactly one, except for cache scorers). */
export function modelFile(manifest: ModelManifest): ModelFile {
  const file = manifest.files.find((f) => f.role === "model");
  if (!file) {
    throw new Error(`manifest ${manifest.id}@${manifest.version} has no model file`);
  }
  return file;
}

/** A stable digest-like label of one version, used in headers and cache keys. */
export function versionLabel(manifest: ModelManifest): string {
  return `${manifest.id}@${manifest.version}`;
}
