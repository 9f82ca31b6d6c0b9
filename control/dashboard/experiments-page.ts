/**
 * @module
 * `GET /dashboard/experiments`: every A/B experiment with, per arm, requests, errors, p95
 * latency, drift and outcome accuracy with its Wilson 95% interval (a table and an interval
 * chart), and the verdict of the two-proportion z-test — which arm is better, or not yet.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ArmStats, ExperimentStatus } from "../../shared/sync/experiment-api.ts";
import { intervalChart } from "./charts.ts";
import { layout, pct } from "./page.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

function armRow(name: string, a: ArmStats): Html {
  return html`<tr data-arm="${name}">
    <td>${name}</td>
    <td>${a.version}</td>
    <td>${a.requests}</td>
    <td>${a.errors} (${pct(a.error_rate)})</td>
    <td>${a.p95_ms === null ? "—" : `${a.p95_ms.toFixed(1)} ms`}</td>
    <td>${a.drift === null ? "—" : a.drift.toFixed(2)}</td>
    <td>${a.outcomes.good} / ${a.outcomes.total}</td>
    <td>
      ${a.outcomes.total === 0 ? "—" : `${pct(a.accuracy.rate)} [${pct(a.accuracy.low)}, ${pct(a.accuracy.high)}]`}
    </td>
  </tr>`;
}

function verdict(e: ExperimentStatus): string {
  const c = e.comparison;
  return c.significant
    ? `${c.better} is better (difference ${pct(c.difference)}, p = ${c.p_value.toPrecision(2)}): significant at 5%`
    : `no significant difference yet (p = ${c.p_value.toPrecision(2)})`;
}

function experimentSection(e: ExperimentStatus): Html {
  const arms = [
    ["control", e.arms.control],
    ["candidate", e.arms.candidate],
  ] as const;
  return html`<section data-experiment="${e.id}">
    <h2>
      ${e.id}
      <span class="muted"
        >${e.model}: ${e.percent}% of ${e.split_by === "user" ? "users" : "tenants"} on the candidate</span
      >
      <span class="pill ${e.state === "running" ? "serving" : "ready"}"
        >${e.state}${e.kept ? `, kept ${e.kept}` : ""}</span
      >
    </h2>
    <table>
      <thead>
        <tr>
          <th>arm</th>
          <th>version</th>
          <th>requests</th>
          <th>errors</th>
          <th>p95</th>
          <th>drift</th>
          <th>outcomes</th>
          <th>accuracy [95% interval]</th>
        </tr>
      </thead>
      <tbody>
        ${arms.map(([name, a]) => armRow(name, a))}
      </tbody>
    </table>
    <div class="charts">
      ${intervalChart(
        "Outcome accuracy (Wilson 95% interval)",
        arms.map(([name, a]) => ({ label: `${name} ${a.version}`, ...a.accuracy })),
      )}
    </div>
    <p data-testid="verdict"><strong>${verdict(e)}</strong></p>
  </section>`;
}

export function experimentsPage(experiments: readonly ExperimentStatus[], token: string): Html {
  return layout(
    "Experiments",
    "/dashboard/experiments",
    token,
    experiments.length === 0
      ? html`<section>
          <p>No experiments yet: <code>edgefleet experiment start --help</code>.</p>
        </section>`
      : html`${experiments.map(experimentSection)}`,
  );
}
