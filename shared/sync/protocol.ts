/**
 * @module
 * The sync protocol between the control plane and the fleet: a model's rollout (desired
 * state per channel, with a generation number that only grows), the change feed an edge
 * reads from its last seen sequence number, and the report an edge sends back (readiness and
 * health per model version). Both sides parse every message with these schemas.
 */
import { z } from "zod";
import { ModelIdSchema, SemverSchema } from "../manifest/model-manifest.ts";
import { ExperimentSchema } from "../monitoring/experiment.ts";
import { SketchReportSchema } from "../monitoring/sketch.ts";
import { PopMetricsSchema } from "./pop-metrics.ts";

export const ChannelSchema = z.enum(["stable", "canary"]);
export type Channel = z.infer<typeof ChannelSchema>;

export const PopIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "PoP ids are 1-64 plain characters");

/**
 * A running A/B experiment as the fleet sees it: both arms stay loaded at every PoP, and each
 * request goes to the arm its user (or tenant) hashes to (`armOf`).
 */
export const RolloutExperimentSchema = ExperimentSchema.omit({ model: true }).extend({
  started_at: z.number().int().nonnegative(),
});
export type RolloutExperiment = z.infer<typeof RolloutExperimentSchema>;

/**
 * Desired state of one model. `generation` is the rollout's metadata version: every change
 * (a rollback included) gets a higher one, and an edge never applies a lower one than it has.
 */
export const ModelRolloutSchema = z.object({
  model: ModelIdSchema,
  generation: z.number().int().positive(),
  /** Feed sequence number of the change that produced this generation. */
  seq: z.number().int().positive(),
  stable: SemverSchema.optional(),
  canary: z.object({ version: SemverSchema, percent: z.number().min(0).max(100) }).optional(),
  /** An A/B experiment between `stable` (its control) and a candidate; never together with a canary. */
  experiment: RolloutExperimentSchema.optional(),
  /** Why the last change happened: shown by `edgefleet status`. */
  reason: z.enum(["rollout", "promote", "rollback", "auto-rollback", "experiment"]),
  note: z.string().max(500).optional(),
});
export type ModelRollout = z.infer<typeof ModelRolloutSchema>;

/** The feed from a sequence number: the latest rollout of every model changed after it. */
export const FeedSchema = z.object({
  seq: z.number().int().nonnegative(),
  rollouts: z.array(ModelRolloutSchema).max(10_000),
});
export type Feed = z.infer<typeof FeedSchema>;

export const VersionHealthSchema = z.object({
  version: SemverSchema,
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  p95_ms: z.number().nonnegative().nullable(),
});
export type VersionHealth = z.infer<typeof VersionHealthSchema>;

export const ModelStateSchema = z.enum(["warming", "ready", "serving", "failed"]);
export type ModelState = z.infer<typeof ModelStateSchema>;

export const ModelReportSchema = z.object({
  model: ModelIdSchema,
  generation: z.number().int().nonnegative(),
  desired: SemverSchema.optional(),
  served: SemverSchema.optional(),
  /** The candidate version this PoP keeps loaded beside `served` for a running A/B experiment. */
  candidate: SemverSchema.optional(),
  state: ModelStateSchema,
  error: z.string().max(500).optional(),
  health: z.array(VersionHealthSchema).max(16),
});
export type ModelReport = z.infer<typeof ModelReportSchema>;

export const OutcomeReportSchema = z
  .object({
    model: ModelIdSchema,
    version: SemverSchema,
    good: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  })
  .refine((o) => o.good <= o.total, { message: "good outcomes cannot exceed the total" });
export type OutcomeReport = z.infer<typeof OutcomeReportSchema>;

export const PopReportSchema = z.object({
  pop: PopIdSchema,
  seq: z.number().int().nonnegative(),
  models: z.array(ModelReportSchema).max(1000),
  /** Drift sketches per model version and window since the last report (docs/monitoring.md). */
  sketches: z.array(SketchReportSchema).max(1000).optional(),
  /** Outcome feedback per model version since the last report (good of total). */
  outcomes: z.array(OutcomeReportSchema).max(1000).optional(),
  /** The PoP's traffic since its isolate started, for the control plane's `/metrics` and dashboard. */
  metrics: PopMetricsSchema.optional(),
});
export type PopReport = z.infer<typeof PopReportSchema>;

/** Operator commands. */
export const RolloutRequestSchema = z.object({
  model: ModelIdSchema,
  version: SemverSchema,
  channel: ChannelSchema,
  percent: z.number().min(0).max(100).optional(),
});
export type RolloutRequest = z.infer<typeof RolloutRequestSchema>;

export const ModelCommandSchema = z.object({ model: ModelIdSchema });

export const GateSchema = z.object({
  /** A canary whose error share on any canary PoP exceeds this is rolled back. */
  max_error_rate: z.number().min(0).max(1).default(0.05),
  /** Requests a PoP must have served on the canary before its error rate counts. */
  min_requests: z.number().int().positive().default(20),
  /** p95 latency (ms) above which a canary is rolled back. */
  max_p95_ms: z.number().positive().default(5000),
});
export type Gate = z.infer<typeof GateSchema>;

export const PopStatusSchema = z.object({
  pop: PopIdSchema,
  seen_at: z.number(),
  seq: z.number().int().nonnegative(),
  canary: z.boolean(),
  models: z.array(ModelReportSchema),
  metrics: PopMetricsSchema.optional(),
});

export const StatusSchema = z.object({
  seq: z.number().int().nonnegative(),
  gate: GateSchema,
  rollouts: z.array(ModelRolloutSchema),
  pops: z.array(PopStatusSchema),
});
export type Status = z.infer<typeof StatusSchema>;
