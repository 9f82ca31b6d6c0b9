/**
 * @module
 * `GET /monitoring` (operator): a server-rendered page of drift over time per model version and
 * scope (PoP or fleet) as inline SVG line charts with the alert threshold drawn in, and the alert
 * list. No script, no external assets: it renders anywhere the control plane runs.
 */
import type { DriftAlert, DriftPoint } from "../../shared/monitoring/drift-monitor.ts";
import type { VersionAccuracy } from "./drift-service.ts";

const W = 480;
const H = 140;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** One chart: drift score per report for one scope, the threshold as a dashed line. */
function chart(title: string, points: readonly DriftPoint[], threshold: number): string {
  const scored = points.filter((p): p is DriftPoint & { score: number } => p.score !== null);
  const top = Math.max(threshold * 2, ...scored.map((p) => p.score));
  const x = (i: number) => (points.length <= 1 ? 0 : (i / (points.length - 1)) * (W - 20)) + 10;
  const y = (v: number) => H - 10 - (v / top) * (H - 20);
  const path = points
    .map((p, i) => (p.score === null ? "" : `${x(i).toFixed(1)},${y(p.score).toFixed(1)}`))
    .filter((s) => s !== "")
    .join(" ");
  return `<figure><figcaption>${escape(title)}</figcaption>
<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escape(title)}">
<rect x="0" y="0" width="${W}" height="${H}" fill="#fafafa" stroke="#ddd"/>
<line x1="10" x2="${W - 10}" y1="${y(threshold).toFixed(1)}" y2="${y(threshold).toFixed(1)}" stroke="#c33" stroke-dasharray="4 3"/>
<polyline fill="none" stroke="#236" stroke-width="2" points="${path}"/>
<text x="12" y="14" font-size="11">max ${top.toFixed(2)}</text>
<text x="${W - 110}" y="${(y(threshold) - 4).toFixed(1)}" font-size="11" fill="#c33">alert ≥ ${threshold}</text>
</svg></figure>`;
}

export interface MonitoringView {
  history: { model: string; version: string; threshold: number; points: DriftPoint[] }[];
  alerts: readonly DriftAlert[];
  accuracy?: readonly VersionAccuracy[];
}

export function monitoringPage(view: MonitoringView): string {
  const charts = view.history.flatMap((h) => {
    const scopes = [...new Set(h.points.map((p) => p.scope))].toSorted();
    return scopes.map((scope) =>
      chart(
        `${h.model}@${h.version} — ${scope}`,
        h.points.filter((p) => p.scope === scope),
        h.threshold,
      ),
    );
  });
  const rows = view.alerts
    .toReversed()
    .map(
      (a) =>
        `<tr><td>${escape(new Date(a.at).toISOString())}</td><td>${escape(`${a.model}@${a.version}`)}</td><td>${escape(a.scope)}</td><td>${a.score.toFixed(3)}</td><td>${escape(a.statistic)}</td><td>${a.requests}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>edgefleet monitoring</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}</style>
</head><body><h1>Drift</h1>
${charts.length > 0 ? charts.join("\n") : "<p>No model version with a reference profile has reported traffic yet.</p>"}
<h2>Outcome accuracy</h2>
<table><thead><tr><th>version</th><th>outcomes</th><th>accuracy</th><th>95% interval</th></tr></thead>
<tbody>${
    (view.accuracy ?? [])
      .map(
        (a) =>
          `<tr><td>${escape(`${a.model}@${a.version}`)}</td><td>${a.total}</td><td>${(a.rate * 100).toFixed(1)}%</td><td>${(a.low * 100).toFixed(1)}–${(a.high * 100).toFixed(1)}%</td></tr>`,
      )
      .join("\n") || '<tr><td colspan="4">no feedback yet</td></tr>'
  }</tbody></table>
<h2>Alerts</h2>
<table><thead><tr><th>at</th><th>version</th><th>scope</th><th>score (max PSI)</th><th>statistic</th><th>requests</th></tr></thead>
<tbody>${rows || '<tr><td colspan="6">none</td></tr>'}</tbody></table>
</body></html>`;
}
