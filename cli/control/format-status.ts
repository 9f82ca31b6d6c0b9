/**
 * @module
 * `edgefleet status` as text: each model's desired state, then one line per PoP and model
 * with its served version, readiness and health (requests, error share, p95).
 */
import type { ModelRollout, Status } from "../../shared/sync/protocol.ts";

export function describeRollout(r: ModelRollout): string {
  const canary = r.canary ? `, canary ${r.canary.version} at ${r.canary.percent}%` : "";
  const experiment = r.experiment
    ? `, experiment ${r.experiment.id}: ${r.experiment.candidate} for ${r.experiment.percent}% of ${r.experiment.split_by}s`
    : "";
  return `${r.model}: stable ${r.stable ?? "-"}${canary}${experiment} (generation ${r.generation}, ${r.reason}${r.note ? `: ${r.note}` : ""})`;
}

export function formatStatus(status: Status, now = Date.now()): string {
  const lines = [`control plane at sequence ${status.seq}`, ...status.rollouts.map(describeRollout), ""];
  lines.push(["pop", "model", "served", "desired", "state", "requests", "errors", "p95 ms", "seen"].join("\t"));
  for (const pop of status.pops) {
    for (const m of pop.models) {
      const h = m.health.find((x) => x.version === m.served);
      lines.push(
        [
          `${pop.pop}${pop.canary ? " (canary)" : ""}`,
          m.model,
          m.served ?? "-",
          m.desired ?? "-",
          m.state + (m.error ? ` (${m.error})` : ""),
          String(h?.requests ?? 0),
          h && h.requests > 0 ? `${((h.errors / h.requests) * 100).toFixed(1)}%` : "-",
          h?.p95_ms == null ? "-" : h.p95_ms.toFixed(1),
          `${Math.round((now - pop.seen_at) / 1000)}s ago`,
        ].join("\t"),
      );
    }
  }
  return lines.join("\n");
}
