/**
 * @module
 * The PoP's authoritative list of served model versions, in a Durable Object with SQLite
 * storage: strongly consistent and transactional, unlike KV (which can be stale for a
 * minute elsewhere). One object per PoP. The sync agent and the admin API write it.
 */
import { DurableObject } from "cloudflare:workers";

export class ModelCatalogDO extends DurableObject<object> {
  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS served (model_id TEXT PRIMARY KEY, manifest TEXT NOT NULL, updated_at INTEGER NOT NULL)",
    );
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS experiments (model_id TEXT PRIMARY KEY, served TEXT NOT NULL, updated_at INTEGER NOT NULL)",
    );
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS sync_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)",
    );
  }

  /** The sync agent's state (last feed sequence, generations applied) as JSON text; the caller validates it. */
  syncState(): string | null {
    return (
      this.ctx.storage.sql.exec<{ state: string }>("SELECT state FROM sync_state WHERE id = 1").toArray()[0]?.state ??
      null
    );
  }

  setSyncState(state: string): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO sync_state (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state",
      state,
    );
  }

  /** Manifests as JSON text; the caller validates them. */
  list(): string[] {
    return this.ctx.storage.sql
      .exec<{ manifest: string }>("SELECT manifest FROM served ORDER BY model_id")
      .toArray()
      .map((r) => r.manifest);
  }

  set(modelId: string, manifestJson: string): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO served (model_id, manifest, updated_at) VALUES (?, ?, ?) ON CONFLICT(model_id) DO UPDATE SET manifest = excluded.manifest, updated_at = excluded.updated_at",
      modelId,
      manifestJson,
      Date.now(),
    );
  }

  remove(modelId: string): boolean {
    this.ctx.storage.sql.exec("DELETE FROM experiments WHERE model_id = ?", modelId);
    return this.ctx.storage.sql.exec("DELETE FROM served WHERE model_id = ?", modelId).rowsWritten > 0;
  }

  /**
   * Manifests and running A/B experiments (experiment and candidate manifest) as JSON text, in one
   * round trip for the edge's cached view; the caller validates them.
   */
  snapshot(): { manifests: string[]; experiments: string[] } {
    return {
      manifests: this.list(),
      experiments: this.ctx.storage.sql
        .exec<{ served: string }>("SELECT served FROM experiments ORDER BY model_id")
        .toArray()
        .map((r) => r.served),
    };
  }

  /** Starts a model's experiment here, or ends it (null). */
  setExperiment(modelId: string, servedJson: string | null): void {
    if (servedJson === null) {
      this.ctx.storage.sql.exec("DELETE FROM experiments WHERE model_id = ?", modelId);
      return;
    }
    this.ctx.storage.sql.exec(
      "INSERT INTO experiments (model_id, served, updated_at) VALUES (?, ?, ?) ON CONFLICT(model_id) DO UPDATE SET served = excluded.served, updated_at = excluded.updated_at",
      modelId,
      servedJson,
      Date.now(),
    );
  }
}
