/**
 * @module
 * The coordinator's storage port and its state. One JSON document, written whole after every
 * change: the state is small (rollouts, PoP reports), and one write is one transaction both in
 * a Durable Object and in an atomically renamed file.
 */
import { z } from "zod";
import { GateSchema, ModelRolloutSchema, PopReportSchema } from "../shared/sync/protocol.ts";
import { ExperimentRecordSchema } from "../shared/sync/experiment-api.ts";

export const ControlStateSchema = z.object({
  seq: z.number().int().nonnegative(),
  rollouts: z.record(z.string(), ModelRolloutSchema),
  /** Earlier stable versions per model, newest last: where `rollback` goes when no canary runs. */
  history: z.record(z.string(), z.array(z.string()).max(100)),
  gate: GateSchema,
  pops: z.record(z.string(), z.object({ seen_at: z.number(), report: PopReportSchema })),
  /** A/B experiments by id, running and stopped (a state file from before experiments has none). */
  experiments: z.record(z.string(), ExperimentRecordSchema).default({}),
});
export type ControlState = z.infer<typeof ControlStateSchema>;

export interface ControlStore {
  load(): Promise<ControlState | undefined>;
  save(state: ControlState): Promise<void>;
}

/** Keeps the coordinator's own object: for tests and the fleet bench, where a copy per report would dominate. */
export class MemoryControlStore implements ControlStore {
  private state: ControlState | undefined;

  async load(): Promise<ControlState | undefined> {
    return this.state;
  }

  async save(state: ControlState): Promise<void> {
    this.state = state;
  }
}
