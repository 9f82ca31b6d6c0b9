/**
 * @module
 * The control plane's A/B experiment API: what an operator sends to start and stop one, and the
 * status it answers — per arm the traffic and health summed over the fleet's latest reports, the
 * outcome accuracy with its Wilson interval and the drift score, and the two-proportion z-test
 * between the arms. The CLI parses every answer with these schemas.
 */
import { z } from "zod";
import { ModelIdSchema, SemverSchema } from "../manifest/model-manifest.ts";
import { ExperimentSchema } from "../monitoring/experiment.ts";

export const ArmSchema = z.enum(["control", "candidate"]);
export type Arm = z.infer<typeof ArmSchema>;

/** `POST /v1/experiments`: the id is made from the model and the start time when absent. */
export const ExperimentStartSchema = ExperimentSchema.extend({ id: ExperimentSchema.shape.id.optional() }).strict();
export type ExperimentStart = z.input<typeof ExperimentStartSchema>;

/** `POST /v1/experiments/:id/stop`: `keep` makes that arm the stable version; absent, the control stays. */
export const ExperimentStopSchema = z.object({ keep: ArmSchema.optional() }).strict();
export type ExperimentStop = z.infer<typeof ExperimentStopSchema>;

const OutcomesSchema = z.object({ good: z.number().int().nonnegative(), total: z.number().int().nonnegative() });

/** An arm's traffic and health summed over the fleet's latest reports. */
const ArmHealthSchema = z.object({
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  p95_ms: z.number().nonnegative().nullable(),
  pops_ready: z.number().int().nonnegative(),
});
export type ArmHealth = z.infer<typeof ArmHealthSchema>;

/** What the control plane keeps of one experiment (running or stopped). */
export const ExperimentRecordSchema = ExperimentSchema.extend({
  started_at: z.number().int().nonnegative(),
  stopped_at: z.number().int().nonnegative().optional(),
  kept: ArmSchema.optional(),
  /** Outcome feedback per arm from reports taken while the experiment ran. */
  outcomes: z.object({ control: OutcomesSchema, candidate: OutcomesSchema }),
  /** Each arm's health when the experiment stopped: a stopped experiment's numbers no longer move. */
  final: z.object({ control: ArmHealthSchema, candidate: ArmHealthSchema }).optional(),
});
export type ExperimentRecord = z.infer<typeof ExperimentRecordSchema>;

export const ArmStatsSchema = z.object({
  version: SemverSchema,
  /** Requests and errors on this version in the PoPs' latest reports, summed over the fleet. */
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  error_rate: z.number().min(0).max(1),
  /** The highest p95 latency any PoP reported for this version (ms); null before any request. */
  p95_ms: z.number().nonnegative().nullable(),
  /** PoPs whose latest report has this version loaded and ready. */
  pops_ready: z.number().int().nonnegative(),
  outcomes: OutcomesSchema,
  /** Share of good outcomes with its Wilson 95% interval. */
  accuracy: z.object({ rate: z.number(), low: z.number(), high: z.number() }),
  /** Fleet-wide drift score of the version's live traffic (null: no reference profile or too few samples). */
  drift: z.number().nullable(),
});
export type ArmStats = z.infer<typeof ArmStatsSchema>;

export const ExperimentStatusSchema = z.object({
  id: ExperimentSchema.shape.id,
  model: ModelIdSchema,
  percent: z.number(),
  split_by: z.enum(["user", "tenant"]),
  state: z.enum(["running", "stopped"]),
  started_at: z.number(),
  stopped_at: z.number().optional(),
  kept: ArmSchema.optional(),
  arms: z.object({ control: ArmStatsSchema, candidate: ArmStatsSchema }),
  /** Pooled two-proportion z-test of the arms' outcome accuracy (two-sided, α = 0.05). */
  comparison: z.object({
    difference: z.number(),
    z: z.number(),
    p_value: z.number(),
    significant: z.boolean(),
    better: ArmSchema.nullable(),
  }),
});
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

export const ExperimentListSchema = z.object({ experiments: z.array(ExperimentStatusSchema) });
