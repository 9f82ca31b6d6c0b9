/**
 * @module
 * The human form of an experiment's status: one line per arm (version, traffic, accuracy with
 * its interval, drift) and a verdict line from the significance test.
 */
import type { ArmStats, ExperimentStatus } from "../../shared/sync/experiment-api.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function armLine(name: string, a: ArmStats): string {
  const accuracy =
    a.outcomes.total === 0
      ? "no outcomes yet"
      : `accuracy ${pct(a.accuracy.rate)} [${pct(a.accuracy.low)}, ${pct(a.accuracy.high)}] of ${a.outcomes.total}`;
  const p95 = a.p95_ms === null ? "-" : `${a.p95_ms.toFixed(1)} ms`;
  const drift = a.drift === null ? "-" : a.drift.toFixed(2);
  return `  ${name.padEnd(9)} ${a.version.padEnd(10)} requests ${a.requests}, errors ${a.errors} (${pct(a.error_rate)}), p95 ${p95}, drift ${drift}, ${accuracy}`;
}

export function formatExperiment(e: ExperimentStatus): string {
  const c = e.comparison;
  const verdict = c.significant
    ? `${c.better} is better: difference ${pct(c.difference)}, p = ${c.p_value.toPrecision(2)} (significant at 5%)`
    : `no significant difference yet (p = ${c.p_value.toPrecision(2)})`;
  const end = e.state === "stopped" ? `, stopped, kept ${e.kept ?? "control"}` : "";
  return [
    `${e.id}: ${e.model}, ${e.percent}% of ${e.split_by === "user" ? "users" : "tenants"} on the candidate (${e.state}${end})`,
    armLine("control", e.arms.control),
    armLine("candidate", e.arms.candidate),
    `  ${verdict}`,
  ].join("\n");
}
