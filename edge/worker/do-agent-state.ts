/**
 * @module
 * The sync agent's state in the PoP's catalog Durable Object: shared by every isolate of the
 * PoP, so a rollout applied by one is never applied again (or undone) by another.
 */
import type { AgentState, AgentStateStore } from "../../shared/sync/agent.ts";
import { AgentStateSchema } from "../../shared/sync/agent-state.ts";
import type { ModelCatalogDO } from "./objects/catalog-object.ts";

export class DoAgentState implements AgentStateStore {
  private readonly stub: () => DurableObjectStub<ModelCatalogDO>;

  constructor(stub: () => DurableObjectStub<ModelCatalogDO>) {
    this.stub = stub;
  }

  async load(): Promise<AgentState | undefined> {
    const text = await this.stub().syncState();
    // Validated on read: storage is outside this isolate.
    return text === null ? undefined : AgentStateSchema.parse(JSON.parse(text));
  }

  async save(state: AgentState): Promise<void> {
    await this.stub().setSyncState(JSON.stringify(state));
  }
}
