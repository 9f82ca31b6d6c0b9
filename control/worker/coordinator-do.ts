/**
 * @module
 * The coordinator Durable Object: the control plane's one authoritative, strongly consistent
 * desired state. It runs the same Hono app as `edgefleet control serve` (`controlApp`), with
 * the coordinator persisting through SQLite storage and the registry read from R2.
 *
 * One object per deployment is enough: its writes come at operator rate (rollouts, promotes,
 * rollbacks) plus one report per PoP per change, not at request rate, and a single object is
 * what makes every change numbered in one sequence without a distributed lock. Long polls
 * wait inside the object (the coordinator's in-memory listeners), so a rollout wakes every
 * waiting edge at once.
 */
import { DurableObject } from "cloudflare:workers";
import type { Hono } from "hono";
import { GateSchema } from "../../shared/sync/protocol.ts";
import { controlApp } from "../app.ts";
import { type Authorizer, tokenAuthorizer } from "../auth.ts";
import { Coordinator } from "../coordinator.ts";
import { published } from "../published.ts";
import { type ControlBindings, registryStores } from "./bindings.ts";
import { SqliteControlStore } from "./sqlite-control-store.ts";

export class ControlCoordinatorDO extends DurableObject<ControlBindings> {
  private readonly app: Hono;

  constructor(ctx: DurableObjectState, env: ControlBindings) {
    super(ctx, env);
    const registry = registryStores(env);
    const coordinator = new Coordinator({
      store: new SqliteControlStore(ctx.storage.sql),
      versionExists: published(registry.metadata),
      ...(env.GATE === undefined ? {} : { gate: GateSchema.parse(JSON.parse(env.GATE)) }),
    });
    this.app = controlApp({ coordinator, registry, authorize: authorizer(env) });
  }

  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(this.app.fetch(request));
  }
}

/** Without an operator token nobody is let in: a deployment missing its secret is closed, not open. */
function authorizer(env: ControlBindings): Authorizer {
  if (!env.OPERATOR_TOKEN) {
    return async () => false;
  }
  return tokenAuthorizer({
    operator: env.OPERATOR_TOKEN,
    ...(env.EDGE_TOKEN ? { edge: env.EDGE_TOKEN } : {}),
  });
}
