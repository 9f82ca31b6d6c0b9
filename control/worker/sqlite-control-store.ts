/**
 * @module
 * The coordinator's state in its Durable Object's SQLite storage: one row holding the JSON
 * document. One `INSERT … ON CONFLICT` is one transaction, and the object's output gate holds
 * the answer to the operator until the write is durable, so an acknowledged rollout survives
 * a restart or an eviction.
 */
import { type ControlState, ControlStateSchema, type ControlStore } from "../control-store.ts";

export class SqliteControlStore implements ControlStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS control_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)");
  }

  async load(): Promise<ControlState | undefined> {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM control_state WHERE id = 1").toArray()[0];
    return row ? ControlStateSchema.parse(JSON.parse(row.state)) : undefined;
  }

  async save(state: ControlState): Promise<void> {
    this.sql.exec(
      "INSERT INTO control_state (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state",
      JSON.stringify(state),
    );
  }
}
