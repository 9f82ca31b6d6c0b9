/**
 * @module
 * The schema of the agent's persisted state (it comes back from storage, so it is parsed),
 * and an in-memory store for tests and simulated PoPs.
 */
import { z } from "zod";
import type { AgentState, AgentStateStore } from "./agent.ts";
import { ModelReportSchema } from "./protocol.ts";

export const AgentStateSchema = z.object({
  seq: z.number().int().nonnegative(),
  generations: z.record(z.string(), z.number().int().nonnegative()),
  models: z.record(z.string(), ModelReportSchema.omit({ health: true })),
  flips: z.record(z.string(), z.object({ version: z.string(), at: z.number() })),
});

export class MemoryAgentStateStore implements AgentStateStore {
  private state: AgentState | undefined;

  async load(): Promise<AgentState | undefined> {
    return this.state;
  }

  async save(state: AgentState): Promise<void> {
    this.state = state;
  }
}
