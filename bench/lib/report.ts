/**
 * The benchmark contract (README.md, "Performance"): a readable table by default, or with
 * `--json` exactly one JSON object `{bench, metrics, notes}` on stdout and nothing else.
 */

export interface BenchResult {
  bench: string;
  metrics: Record<string, number>;
  notes: string;
  /** Rows for the human table; the first row is the header. */
  table: string[][];
}

export function printReport(result: BenchResult, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ bench: result.bench, metrics: result.metrics, notes: result.notes })}\n`);
    return;
  }
  const widths = (result.table[0] ?? []).map((_, i) => Math.max(...result.table.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const [head, ...rows] = result.table;
  process.stdout.write(`\n${result.bench}\n\n${line(head ?? [])}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) {
    process.stdout.write(`${line(r)}\n`);
  }
  process.stdout.write(`\n${result.notes}\n\nmetrics: ${JSON.stringify(result.metrics, null, 2)}\n`);
}

/** Progress for people; silent in --json mode so stdout stays one object. */
export function progress(json: boolean, message: string): void {
  if (!json) {
    process.stderr.write(`${message}\n`);
  }
}
