/**
 * @module
 * The coordinator's state in one JSON file for the self-hosted control plane: written to a
 * temp file, fsynced and renamed (the filesystem NamedStore does exactly that), so a crash
 * leaves the old state or the new one, never half of each.
 */
import type { NamedStore } from "../shared/ports/named-store.ts";
import { type ControlState, ControlStateSchema, type ControlStore } from "./control-store.ts";

const NAME = "control-state.json";

export class NamedControlStore implements ControlStore {
  private readonly files: NamedStore;

  constructor(files: NamedStore) {
    this.files = files;
  }

  async load(): Promise<ControlState | undefined> {
    const bytes = await this.files.get(NAME);
    return bytes ? ControlStateSchema.parse(JSON.parse(new TextDecoder().decode(bytes))) : undefined;
  }

  async save(state: ControlState): Promise<void> {
    await this.files.put(NAME, new TextEncoder().encode(JSON.stringify(state)));
  }
}
