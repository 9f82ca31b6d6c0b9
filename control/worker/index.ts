/**
 * @module
 * The control plane as a Worker (deploy/control/wrangler.toml). The registry read API is
 * served here, from R2, by any isolate: it is request-rate traffic (every PoP's TUF refresh
 * and chunks) and needs no coordination. Everything under `/v1/` goes to the one coordinator
 * Durable Object, which runs the control-plane app itself (auth, desired state, feed, reports).
 */
import { Hono } from "hono";
import { useErrorHandlers } from "../../shared/http/error-handler.ts";
import { registryApp } from "../registry/app.ts";
import { type ControlBindings, registryStores } from "./bindings.ts";

export { ControlCoordinatorDO } from "./coordinator-do.ts";

/** The one coordinator object of a deployment. */
const COORDINATOR_NAME = "coordinator";

let app: Hono<{ Bindings: ControlBindings }> | undefined;

function build(env: ControlBindings): Hono<{ Bindings: ControlBindings }> {
  const worker = new Hono<{ Bindings: ControlBindings }>();
  worker.route("/registry", registryApp(registryStores(env)));
  worker.get("/healthz", (c) => c.json({ ok: true }));
  // The request goes on whole (method, headers, body): the object's app authenticates it.
  worker.all("/v1/*", (c) => c.env.COORDINATOR.getByName(COORDINATOR_NAME).fetch(c.req.raw));
  useErrorHandlers(worker);
  return worker;
}

export default {
  fetch(request, env, ctx) {
    // Bindings are fixed for an isolate's life, so the app (and its targets cache) is built once.
    app ??= build(env);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<ControlBindings>;
