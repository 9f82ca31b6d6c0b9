/**
 * @module
 * The browser device's own metrics: local runs per model and execution provider, with their
 * total time, in the Prometheus text format the edge and the origin use — so a page (or a
 * test) sees how many answers WebGPU computed and how many fell to WASM.
 */

interface Tally {
  runs: number;
  seconds: number;
}

export class DeviceMetrics {
  private readonly tallies = new Map<string, Tally & { model: string; provider: string }>();

  record(model: string, provider: string, ms: number): void {
    const key = `${model}\u0000${provider}`;
    const tally = this.tallies.get(key) ?? { model, provider, runs: 0, seconds: 0 };
    tally.runs += 1;
    tally.seconds += ms / 1000;
    this.tallies.set(key, tally);
  }

  /** Runs per model and provider. */
  runs(): Array<{ model: string; provider: string; runs: number; seconds: number }> {
    return [...this.tallies.values()].map((t) => ({ ...t }));
  }

  text(): string {
    const lines = [
      "# HELP edgefleet_device_runs_total Local runs on this device by model and execution provider.",
      "# TYPE edgefleet_device_runs_total counter",
      ...this.runs().map((t) => `edgefleet_device_runs_total{model="${t.model}",provider="${t.provider}"} ${t.runs}`),
      "# HELP edgefleet_device_run_seconds_total Time spent in local runs.",
      "# TYPE edgefleet_device_run_seconds_total counter",
      ...this.runs().map(
        (t) => `edgefleet_device_run_seconds_total{model="${t.model}",provider="${t.provider}"} ${t.seconds}`,
      ),
    ];
    return `${lines.join("\n")}\n`;
  }
}
