/**
 * @module
 * The operator dashboard's routes on the control plane: `GET /dashboard` (the page),
 * `GET /dashboard/panel` (the live fragment it polls), `GET /dashboard/fleet.json` (the
 * same view as JSON) and `GET /dashboard/experiments` (A/B experiments per arm). The operator token comes as `?token=` (a browser cannot send a bearer
 * header on navigation) or as the usual bearer header.
 */
import { Hono } from "hono";
import { ApiError } from "../../shared/errors.ts";
import type { Authorizer } from "../auth.ts";
import type { Coordinator } from "../coordinator.ts";
import { fleetView } from "./fleet-view.ts";
import { RequestHistory } from "./history.ts";
import { dashboardPage, fleetPanel } from "./page.ts";
import { experimentsPage } from "./experiments-page.ts";

export function dashboardRoutes(coordinator: Coordinator, authorize: Authorizer): Hono {
  const app = new Hono();
  app.use("/dashboard/*", async (c, next) => {
    await next();
    c.header("cache-control", "no-store");
  });
  app.use("/dashboard*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : c.req.query("token");
    if (!(await authorize(token, "operator"))) {
      throw new ApiError(401, "invalid_token", "The dashboard needs the operator token (?token=…).");
    }
    await next();
  });
  const history = new RequestHistory();
  const view = async () => {
    const now = Date.now();
    const v = fleetView(await coordinator.status(), now);
    history.add(now, new Map(v.pops.map((p) => [p.pop, p.requests])));
    return v;
  };
  app.get("/dashboard", async (c) => c.html(dashboardPage(await view(), history.series(), c.req.query("token") ?? "")));
  app.get("/dashboard/panel", async (c) => c.html(fleetPanel(await view(), history.series())));
  app.get("/dashboard/fleet.json", async (c) => c.json({ ...(await view()), rates: history.series() }));
  app.get("/dashboard/experiments", async (c) =>
    c.html(experimentsPage(await coordinator.experiments(), c.req.query("token") ?? "")),
  );
  app.get("/", (c) => c.redirect("/dashboard"));
  return app;
}
