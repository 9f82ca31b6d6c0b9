/**
 * @module
 * The dashboard's HTML, rendered on the server with `hono/html` (escaped templates): a layout
 * with a nav (other pages, such as `/monitoring`, add their link to `NAV`), and the fleet
 * panel, which the page's small script re-fetches every two seconds so the view stays live
 * without a client framework.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { barChart, lineChart, progress } from "./charts.ts";
import type { Series } from "./history.ts";
import type { FleetView, PopView } from "./fleet-view.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The pages of the operator UI; each page's link keeps the operator's token. */
export const NAV: { href: string; label: string }[] = [
  { href: "/dashboard", label: "Fleet" },
  { href: "/dashboard/experiments", label: "Experiments" },
  { href: "/monitoring", label: "Monitoring" },
];

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.2rem;background:#111827;color:#fff}
header a{color:#d1d5db;text-decoration:none}header a.on{color:#fff;font-weight:600}
main{padding:1rem 1.2rem}section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:.8rem 1rem;margin-bottom:1rem}
h2{font-size:1rem;margin:.2rem 0 .6rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #f3f4f6}th{color:#6b7280;font-weight:500}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart{margin:0}.chart figcaption{color:#6b7280;margin-bottom:.2rem}
.lbl,.val{font-size:12px;fill:#374151}.pill{padding:0 .45rem;border-radius:9px;font-size:12px}
.serving,.closed{background:#dcfce7}.ready,.warming,.half-open{background:#fef3c7}.failed,.open{background:#fee2e2}
.big{font-size:1.6rem;font-weight:600}.muted{color:#6b7280}`;

export function layout(title: string, active: string, token: string, body: Html): Html {
  const q = token ? `?token=${encodeURIComponent(token)}` : "";
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · edgefleet</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <strong>edgefleet</strong>
          <nav>
            ${NAV.map((n) => html`<a href="${n.href}${q}" class="${n.href === active ? "on" : ""}">${n.label}</a> `)}
          </nav>
        </header>
        <main>${body}</main>
      </body>
    </html>`;
}

export function dashboardPage(view: FleetView, rates: readonly Series[], token: string): Html {
  return layout(
    "Fleet",
    "/dashboard",
    token,
    html`<div id="panel" data-live="/dashboard/panel">${fleetPanel(view, rates)}</div>
      <script>
        ${raw(LIVE_SCRIPT)};
      </script>`,
  );
}

// Re-fetches the panel (same token) every 2 s; a failed fetch keeps the last view and says so.
const LIVE_SCRIPT = `(() => {
  const el = document.getElementById("panel");
  const url = el.dataset.live + location.search;
  setInterval(async () => {
    try {
      const res = await fetch(url, { cache: "no-store" });
      if (res.ok) { el.innerHTML = await res.text(); el.dataset.stale = ""; } else { el.dataset.stale = String(res.status); }
    } catch { el.dataset.stale = "offline"; }
  }, 2000);
})();`;

/** A share as a percentage with one decimal; "—" when there is none yet. */
export const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? "—" : `≤${x} ms`);

export function fleetPanel(view: FleetView, rates: readonly Series[]): Html {
  return html`<section>
      <h2>Fleet</h2>
      <span class="big" data-testid="total-requests">${view.totalRequests}</span>
      <span class="muted">requests across ${view.pops.length} PoPs</span>
      <div class="charts">
        ${lineChart("Requests per second", rates)}
        ${barChart(
          "Requests per PoP",
          view.pops.map((p) => ({ label: p.pop, value: p.requests })),
        )}
        ${barChart(
          "Latency p50 / p95 / p99 (ms, bucket bound)",
          view.pops.flatMap((p) =>
            (["p50", "p95", "p99"] as const).map((k) => ({
              label: `${p.pop} ${k}`,
              value: p[k] ?? 0,
              text: ms(p[k]),
              color: k === "p50" ? "#10b981" : k === "p95" ? "#f59e0b" : "#ef4444",
            })),
          ),
        )}
        ${barChart(
          "Cache hit rate",
          view.pops.map((p) => ({
            label: p.pop,
            value: Math.round((p.cacheHitRate ?? 0) * 100),
            text: pct(p.cacheHitRate),
            color: "#8b5cf6",
          })),
        )}
      </div>
    </section>
    <section>
      <h2>Rollouts</h2>
      <table>
        <tr>
          <th>model</th>
          <th>stable</th>
          <th>canary</th>
          <th>canary share</th>
          <th>PoPs on target</th>
          <th>generation</th>
          <th>last change</th>
        </tr>
        ${view.rollouts.map(
          (r) =>
            html`<tr>
              <td>${r.model}</td>
              <td>${r.stable}</td>
              <td>${r.canary}</td>
              <td>${progress(r.percent)} ${r.percent}%</td>
              <td>
                ${progress(r.reporting > 0 ? (100 * r.converged) / r.reporting : 0, "#10b981")}
                ${r.converged}/${r.reporting}
              </td>
              <td>${r.generation}</td>
              <td>${r.reason}</td>
            </tr>`,
        )}
      </table>
    </section>
    ${view.pops.map(popSection)}`;
}

function popSection(p: PopView): Html {
  return html`<section data-pop="${p.pop}">
    <h2>
      PoP ${p.pop} ${p.canary ? html`<span class="pill ready">canary</span>` : ""}
      <span class="muted"
        >reported ${p.ageS} s ago · <span data-testid="requests">${p.requests}</span> requests · errors
        ${pct(p.errorRate)} · cache hits ${pct(p.cacheHitRate)} · p50 ${ms(p.p50)} · p95 ${ms(p.p95)} · p99
        ${ms(p.p99)}</span
      >
    </h2>
    <table>
      <tr>
        <th>model</th>
        <th>serves</th>
        <th>desired</th>
        <th>readiness</th>
      </tr>
      ${p.models.map(
        (m) =>
          html`<tr>
            <td>${m.model}</td>
            <td class="version">${m.served}</td>
            <td>${m.desired}</td>
            <td><span class="pill ${m.state}">${m.state}</span></td>
          </tr>`,
      )}
    </table>
    ${
      p.origins.length > 0
        ? html`<table>
            <tr>
              <th>origin</th>
              <th>region</th>
              <th>breaker</th>
              <th>latency (EWMA)</th>
            </tr>
            ${p.origins.map(
              (o) =>
                html`<tr>
                  <td>${o.id}</td>
                  <td>${o.region}</td>
                  <td><span class="pill ${o.breaker}">${o.breaker}</span></td>
                  <td>${o.latencyMs === null ? "—" : `${o.latencyMs.toFixed(1)} ms`}</td>
                </tr>`,
            )}
          </table>`
        : ""
    }
  </section>`;
}
